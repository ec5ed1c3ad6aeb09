import express from "express";

// Express 5 dropped app.del; its presence tells the majors apart without reading package files.
test("the HTTP suites run on the Express major they claim to", () => {
  const major = typeof (express.application as unknown as { del?: unknown }).del === "function" ? 4 : 5;
  expect(major).toBe(Number(process.env.EXPRESS_MAJOR_UNDER_TEST ?? "5"));
});
