// A dense row-major matrix of numbers in one Float64Array: what the prediction code passes around
// internally instead of one array per row. One allocation for a whole table instead of one per
// row keeps training on 100,000 people fast and light on the garbage collector.

export interface DenseMatrix {
  /** Row i, column j at `data[i * columns + j]`. */
  data: Float64Array;
  rows: number;
  columns: number;
}

/** The rows at `indices` (in that order) as a new matrix. */
export function selectRows(matrix: DenseMatrix, indices: ArrayLike<number>): DenseMatrix {
  const d = matrix.columns;
  const data = new Float64Array(indices.length * d);
  for (let r = 0; r < indices.length; r += 1) {
    const from = (indices[r] as number) * d;
    data.set(matrix.data.subarray(from, from + d), r * d);
  }
  return { data, rows: indices.length, columns: d };
}

/** One row as a plain array (for the public one-row APIs and tests). */
export function rowOf(matrix: DenseMatrix, i: number): number[] {
  return Array.from(matrix.data.subarray(i * matrix.columns, (i + 1) * matrix.columns));
}
