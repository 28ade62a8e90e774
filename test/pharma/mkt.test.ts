import { expect } from "chai";
import {
  DELTA_H_OVER_R,
  meanKineticTemperature,
  mktCenti,
  seriesMeanKineticTemperature,
  weightedMeanKineticTemperature,
} from "../../src/mkt";

/**
 * Reference values computed independently (Python 3, math.exp/math.log, the USP formula with ΔH/R = 10,000 K and
 * T = t + 273.15), not with the SDK under test.
 */
describe("mean kinetic temperature (USP, ΔH/R = 10,000 K)", function () {
  it("uses the USP activation constant", function () {
    expect(DELTA_H_OVER_R).to.equal(10_000);
  });

  it("equals the temperature of a constant series", function () {
    expect(meanKineticTemperature([5, 5, 5])).to.be.closeTo(5, 1e-9);
  });

  it("weighs warm readings more than the arithmetic mean does", function () {
    expect(meanKineticTemperature([20, 30])).to.be.closeTo(26.25988691600344, 1e-9);
    expect(meanKineticTemperature([25, 30, 20, 27, 22, 29, 24, 26, 23, 28, 21, 25])).to.be.closeTo(
      25.479069066316526,
      1e-9,
    );
    expect(meanKineticTemperature([...Array(10).fill(5), 12, 12])).to.be.closeTo(6.6501284911070115, 1e-9);
  });

  it("weights readings by the time they stand for", function () {
    expect(
      weightedMeanKineticTemperature([
        { celsius: 4.5, weight: 3600 },
        { celsius: 9.0, weight: 600 },
      ]),
    ).to.be.closeTo(5.312941632960815, 1e-9);
  });

  it("time-weights a timed series so a dropout does not distort it, and rounds to centi-degrees", function () {
    const even = [0, 60, 120, 180].map((t, i) => ({ time: t, centi: [450, 450, 900, 900][i] }));
    expect(seriesMeanKineticTemperature(even)).to.be.closeTo(meanKineticTemperature([4.5, 4.5, 9, 9]), 1e-9);
    const gappy = [
      { time: 0, centi: 450 },
      { time: 3600, centi: 900 },
    ];
    // the 4.5 °C reading stands for an hour, the last one for the median interval (also an hour)
    expect(seriesMeanKineticTemperature(gappy)).to.be.closeTo(meanKineticTemperature([4.5, 9]), 1e-9);
    expect(mktCenti([{ time: 0, centi: 500 }])).to.equal(500);
  });

  it("refuses an empty series, impossible temperatures and non-positive weights", function () {
    expect(() => meanKineticTemperature([])).to.throw("at least one reading");
    expect(() => seriesMeanKineticTemperature([])).to.throw("at least one reading");
    expect(() => meanKineticTemperature([-300])).to.throw("invalid temperature");
    expect(() => weightedMeanKineticTemperature([{ celsius: 5, weight: 0 }])).to.throw("invalid weight");
  });
});
