/**
 * Mean kinetic temperature (USP <1079.2>, Haynes 1971): the single isothermal temperature that would cause the
 * same cumulative thermal degradation as the observed series,
 *
 *   MKT = (ΔH/R) / −ln( Σ wᵢ·e^(−ΔH/(R·Tᵢ)) / Σ wᵢ )      (temperatures in kelvin)
 *
 * with ΔH/R = 10,000 K (ΔH = 83.144 kJ/mol, the USP default). Equal weights for evenly spaced readings; the
 * time-weighted form gives each reading the interval it stands for.
 */

/** ΔH/R in kelvin, as USP prescribes when the activation energy is unknown. */
export const DELTA_H_OVER_R = 10_000;
/** 0 °C in kelvin. */
export const KELVIN_OFFSET = 273.15;

/** MKT in °C of evenly spaced readings in °C. */
export function meanKineticTemperature(celsius: readonly number[], deltaHOverR = DELTA_H_OVER_R): number {
  return weightedMeanKineticTemperature(
    celsius.map((c) => ({ celsius: c, weight: 1 })),
    deltaHOverR,
  );
}

/** MKT in °C of readings with weights (e.g. the seconds each reading stands for). */
export function weightedMeanKineticTemperature(
  readings: readonly { celsius: number; weight: number }[],
  deltaHOverR = DELTA_H_OVER_R,
): number {
  if (readings.length === 0) throw new Error("MKT needs at least one reading");
  let total = 0;
  let sum = 0;
  for (const { celsius, weight } of readings) {
    if (!Number.isFinite(celsius) || celsius <= -KELVIN_OFFSET) throw new Error(`invalid temperature ${celsius} °C`);
    if (!(weight > 0)) throw new Error(`invalid weight ${weight}`);
    total += weight;
    sum += weight * Math.exp(-deltaHOverR / (celsius + KELVIN_OFFSET));
  }
  return deltaHOverR / -Math.log(sum / total) - KELVIN_OFFSET;
}

/**
 * Time-weighted MKT of a timed series: each reading stands for the interval until the next one (the last for the
 * median interval), so a sensor dropout does not let one reading dominate or vanish.
 */
export function seriesMeanKineticTemperature(series: readonly { time: number; centi: number }[]): number {
  if (series.length === 0) throw new Error("MKT needs at least one reading");
  const gaps = series.slice(1).map((r, i) => r.time - series[i].time);
  const typical = gaps.length ? [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] : 1;
  return weightedMeanKineticTemperature(
    series.map((r, i) => ({ celsius: r.centi / 100, weight: i < gaps.length ? Math.max(gaps[i], 1) : typical || 1 })),
  );
}

/** MKT rounded to centi-degrees, as committed on chain with a shipment's receipt. */
export function mktCenti(series: readonly { time: number; centi: number }[]): number {
  return Math.round(seriesMeanKineticTemperature(series) * 100);
}
