/// <reference lib="dom" />
// SVG charts drawn with DOM APIs: stacked bars and lines, each with a text legend and a
// <title> on every mark, so the numbers are also available to screen readers and on hover.
import { type ChartData, hasData, niceMax } from "./chart_data.ts";
import { h, s } from "./dom.ts";

// Okabe-Ito: distinguishable with common colour-vision deficiencies.
export const palette = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#000000",
];

const width = 640;
const height = 220;
const pad = { top: 12, right: 12, bottom: 28, left: 56 };
const plotW = width - pad.left - pad.right;
const plotH = height - pad.top - pad.bottom;

function axes(svg: SVGSVGElement, data: ChartData, max: number, format: (n: number) => string) {
  for (let i = 0; i <= 4; i++) {
    const y = pad.top + plotH - (plotH * i) / 4;
    svg.append(
      s("line", {
        x1: pad.left,
        x2: width - pad.right,
        y1: y,
        y2: y,
        class: i === 0 ? "axis" : "grid",
      }),
      s(
        "text",
        { x: pad.left - 6, y: y + 4, "text-anchor": "end", class: "tick" },
        format((max * i) / 4),
      ),
    );
  }
  const step = Math.max(1, Math.ceil(data.days.length / 7));
  data.days.forEach((day, i) => {
    if (i % step !== 0 && i !== data.days.length - 1) return;
    const x = pad.left + (plotW * (i + 0.5)) / data.days.length;
    svg.append(
      s("text", { x, y: height - 8, "text-anchor": "middle", class: "tick" }, day.slice(5)),
    );
  });
}

function legend(data: ChartData): HTMLElement {
  return h(
    "ul",
    { class: "legend" },
    ...data.series.map((series, i) =>
      h(
        "li",
        {},
        h("span", {
          class: `swatch swatch-${i % palette.length}`,
          attrs: { "aria-hidden": "true" },
        }),
        series.name,
      )
    ),
  );
}

function frame(title: string, summary: string, data: ChartData, svg: SVGSVGElement | null) {
  const figure = h("figure", { class: "chart" }, h("figcaption", {}, title));
  if (!svg) {
    figure.append(h("p", { class: "empty" }, "No runs in this period yet."));
    return figure;
  }
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", summary);
  figure.append(svg, legend(data));
  return figure;
}

function newSvg(): SVGSVGElement {
  return s("svg", { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "xMidYMid meet" });
}

export function stackedBars(
  title: string,
  data: ChartData,
  format: (n: number) => string,
): HTMLElement {
  if (!hasData(data)) return frame(title, "", data, null);
  const totals = data.days.map((_, i) => data.series.reduce((n, s) => n + s.values[i], 0));
  const max = niceMax(Math.max(...totals));
  const svg = newSvg();
  axes(svg, data, max, format);
  const slot = plotW / data.days.length;
  const barW = Math.max(2, slot * 0.7);
  data.days.forEach((day, i) => {
    let base = 0;
    data.series.forEach((series, k) => {
      const value = series.values[i];
      if (value <= 0) return;
      const y0 = pad.top + plotH - (plotH * base) / max;
      const y1 = pad.top + plotH - (plotH * (base + value)) / max;
      base += value;
      svg.append(
        s(
          "rect",
          {
            x: pad.left + slot * i + (slot - barW) / 2,
            y: y1,
            width: barW,
            height: Math.max(1, y0 - y1),
            class: `fill-${k % palette.length}`,
          },
          s("title", {}, `${series.name}, ${day}: ${format(value)}`),
        ),
      );
    });
  });
  const total = totals.reduce((a, b) => a + b, 0);
  return frame(
    title,
    `${title}: ${format(total)} in total over ${data.days.length} days`,
    data,
    svg,
  );
}

export function lines(title: string, data: ChartData, format: (n: number) => string): HTMLElement {
  if (!hasData(data)) return frame(title, "", data, null);
  const max = niceMax(Math.max(...data.series.flatMap((s) => s.values)));
  const svg = newSvg();
  axes(svg, data, max, format);
  const slot = plotW / data.days.length;
  data.series.forEach((series, k) => {
    const points: string[] = [];
    series.values.forEach((value, i) => {
      if (value <= 0) return;
      const x = pad.left + slot * (i + 0.5);
      const y = pad.top + plotH - (plotH * value) / max;
      points.push(`${x.toFixed(1)},${y.toFixed(1)}`);
      svg.append(
        s(
          "circle",
          { cx: x, cy: y, r: 3.5, class: `fill-${k % palette.length}` },
          s("title", {}, `${series.name}, ${data.days[i]}: ${format(value)}`),
        ),
      );
    });
    if (points.length > 1) {
      svg.insertBefore(
        s("polyline", { points: points.join(" "), class: `stroke-${k % palette.length}` }),
        svg.querySelector("circle"),
      );
    }
  });
  return frame(title, `${title} per entity over ${data.days.length} days`, data, svg);
}
