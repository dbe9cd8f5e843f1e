import assert from 'node:assert/strict';
import { test } from 'node:test';
import { invertSpd, minimizeBfgs, minimizeNelderMead, numericalHessian } from './optimize.ts';

const rosenbrock = (x: readonly number[]): { f: number; g: number[] } => {
  const [a, b] = x as [number, number];
  return { f: (1 - a) ** 2 + 100 * (b - a * a) ** 2, g: [-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)] };
};

test('BFGS finds the Rosenbrock minimum', () => {
  const r = minimizeBfgs(rosenbrock, [-1.2, 1], { bound: 10, gradTol: 1e-10, maxIterations: 500 });
  assert.ok(r.converged);
  assert.ok(Math.abs((r.x[0] as number) - 1) < 1e-6 && Math.abs((r.x[1] as number) - 1) < 1e-6, String(r.x));
});

test('Nelder–Mead finds the Rosenbrock minimum', () => {
  const r = minimizeNelderMead((x) => rosenbrock(x).f, [-1.2, 1], { bound: 10, fTol: 1e-14, maxEvaluations: 5000 });
  assert.ok(r.converged);
  assert.ok(Math.abs((r.x[0] as number) - 1) < 1e-4 && Math.abs((r.x[1] as number) - 1) < 1e-4, String(r.x));
});

test('both stay inside the box and stop at a boundary minimum', () => {
  // minimum of (x - 20)^2 is outside [-5, 5]
  const f = (x: readonly number[]): { f: number; g: number[] } => ({ f: ((x[0] as number) - 20) ** 2, g: [2 * ((x[0] as number) - 20)] });
  const b = minimizeBfgs(f, [0], { bound: 5 });
  assert.ok(Math.abs(b.x[0] as number) <= 5 && (b.x[0] as number) > 4.9);
  const n = minimizeNelderMead((x) => f(x).f, [0], { bound: 5 });
  assert.ok(Math.abs(n.x[0] as number) <= 5 && (n.x[0] as number) > 4.9);
});

test('invertSpd inverts, and refuses a singular matrix', () => {
  const inv = invertSpd([
    [4, 2],
    [2, 3],
  ]);
  assert.ok(inv !== null);
  const expected = [
    [3 / 8, -2 / 8],
    [-2 / 8, 4 / 8],
  ];
  for (let i = 0; i < 2; i += 1) for (let j = 0; j < 2; j += 1) assert.ok(Math.abs((inv[i] as number[])[j]! - expected[i]![j]!) < 1e-14);
  assert.equal(
    invertSpd([
      [1, 1],
      [1, 1],
    ]),
    null,
  );
});

test('numericalHessian of a quadratic is exact', () => {
  const h = numericalHessian((x) => [2 * (x[0] as number) + (x[1] as number), (x[0] as number) + 6 * (x[1] as number)], [0.3, -1]);
  assert.deepEqual(
    h.map((row) => row.map((v) => Math.round(v * 1e6) / 1e6)),
    [
      [2, 1],
      [1, 6],
    ],
  );
});
