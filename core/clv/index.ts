// Customer lifetime value: BG/NBD purchases, Gamma-Gamma spend, CLV and the holdout check.
// See README.md for the formulas, their sources and the time unit.
export { DAYS_PER_UNIT, DAYS_PER_YEAR, DEFAULT_TIME_UNIT, daysToUnits, splitCalibrationHoldout, summarize, unitsToDays } from './summary.ts';
export type { CalibrationHoldout, ClvTimeUnit, PurchaseSummary } from './summary.ts';
export { bgNbdLogLikelihood, fitBgNbd } from './bg-nbd.ts';
export type { BgNbdFit, BgNbdFitOptions, BgNbdFitSuccess, BgNbdParams } from './bg-nbd.ts';
export { expectedNextPurchase, expectedPurchases, probabilityAlive } from './bg-nbd-predict.ts';
export type { NextPurchase, NextPurchaseOptions } from './bg-nbd-predict.ts';
export { expectedSpend, fitGammaGamma, gammaGammaLogLikelihood } from './gamma-gamma.ts';
export type { GammaGammaFit, GammaGammaFitOptions, GammaGammaFitSuccess, GammaGammaParams } from './gamma-gamma.ts';
export { discountedExpectedPurchases, predictClv, predictPerson } from './clv.ts';
export type { ClvModels, ClvOptions, ClvPrediction, PersonPrediction } from './clv.ts';
export { holdoutCheck } from './holdout.ts';
export type { FrequencyBin, HoldoutCheck } from './holdout.ts';
export type { FitFailure } from './fit-common.ts';
export { createRandom } from './random.ts';
export type { Random } from './random.ts';
export { simulateBgNbdPerson, simulatePopulation, simulateSpends } from './simulate.ts';
export type { SimulatedPerson, SimulatedPopulation, SimulationPlan } from './simulate.ts';
