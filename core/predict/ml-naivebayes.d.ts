// Types for ml-naivebayes 4 (the package ships none). Only what core/predict uses is typed
// tightly; the fitted parameters are read back defensively (see gaussian-nb.ts), because the
// library leaves NaN and Infinity in them for a one-row or constant-within-class feature.
// This file is a script (no top-level import/export), so the declaration is ambient and tsconfig's
// "include": ["core", ...] picks it up for every file that imports 'ml-naivebayes'.
declare module 'ml-naivebayes' {
  /** What GaussianNB#toJSON returns (live numbers: may hold NaN, Infinity and -0). */
  export interface GaussianNBJSON {
    modelName: 'NaiveBayes';
    /** means[class][feature], classes indexed 0..n-1 by training label. */
    means: number[][];
    /**
     * Per class: [logPrior, ...per feature [1 / (sqrt(2 pi) * std), -2 * std^2]], std being the
     * unbiased (n - 1) standard deviation of the feature within the class.
     */
    calculateProbabilities: Array<Array<number | [number, number] | null>>;
  }

  export class GaussianNB {
    constructor(reload?: boolean, model?: GaussianNBJSON);
    /** Labels must be the integers 0..n-1, every one present. Rows may be typed arrays (ml-matrix copies them). */
    train(trainingSet: number[][] | Float64Array[], trainingLabels: number[]): void;
    /** Labels only; breaks (returns -1) on a feature constant within a class. */
    predict(dataset: number[][]): number[];
    toJSON(): GaussianNBJSON;
    static load(model: GaussianNBJSON): GaussianNB;
  }

  export class MultinomialNB {
    constructor(reload?: boolean, model?: unknown);
    train(trainingSet: number[][], trainingLabels: number[]): void;
    predict(dataset: number[][]): number[];
    toJSON(): unknown;
    static load(model: unknown): MultinomialNB;
  }
}
