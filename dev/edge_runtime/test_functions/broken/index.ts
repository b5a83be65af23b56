// A function for the local edge runtime's tests that fails while its module loads.
throw new Error("this function cannot start");
