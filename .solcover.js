module.exports = {
  skipFiles: ["mocks/"],
  istanbulReporter: ["json-summary", "text", "lcov"],
  configureYulOptimizer: true,
  // The system upgrade test replays the demo's six chapters before voting every upgrade (about 4 minutes, several
  // times that when instrumented). It adds no line or branch the unit tests of the upgrade paths do not cover, so
  // coverage skips it; `npm test` runs it.
  mocha: { grep: "upgrading every domain by vote after the demo's story", invert: true },
};
