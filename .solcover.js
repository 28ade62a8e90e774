module.exports = {
  skipFiles: ["mocks/"],
  istanbulReporter: ["json-summary", "text", "lcov"],
  configureYulOptimizer: true,
};
