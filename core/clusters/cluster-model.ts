// The fitted cluster model: plain JSON data, stored after a run and given back to the next run
// (stable identities) and to real-time re-scoring (`createClusterAssigner`).
import type { FeatureName, FeatureRow } from '../features/feature-names.ts';
import { loadScaler, type ScalerModel } from '../features/scaler.ts';
import { nearestCentroid } from './kmeans.ts';

export interface ClusterEntry {
  /** Stable id: kept from the previous run when the cluster is matched, else new (`cluster-<n>`). */
  id: string;
  name: string;
  /** Centroid in the scaled space of `ClusterModel.scaler` (columns = scaler.outputNames). */
  centroid: number[];
  /** People in the cluster when fitted. */
  size: number;
}

export interface ClusterModel {
  kind: 'cluster-model';
  version: 1;
  scaler: ScalerModel;
  /** Largest first. */
  clusters: ClusterEntry[];
  /** The number the next new cluster id gets; ids are never reused. */
  nextId: number;
  /** Mean silhouette of the fit (set by the refinery when it keeps the model; absent in older models). */
  silhouette?: number;
}

export interface ClusterAssignment {
  clusterId: string;
  name: string;
  /** Euclidean distance to the centroid, in scaled space. */
  distance: number;
}

/** Only people with at least one counted order are clustered. */
export function isClusterable(values: Readonly<Partial<Record<FeatureName, number | null>>>): boolean {
  const orders = values.orderCount;
  return typeof orders === 'number' && Number.isFinite(orders) && orders > 0;
}

export function clusterIdOf(number: number): string {
  return `cluster-${number}`;
}

export interface ClusterAssigner {
  /** The nearest cluster of one person, or null for a person without orders (never clustered). */
  assign(row: FeatureRow | Readonly<Partial<Record<FeatureName, number | null>>>): ClusterAssignment | null;
}

/** Re-score people against a stored model (e.g. after a webhook), without refitting anything. */
export function createClusterAssigner(model: ClusterModel): ClusterAssigner {
  if (model.kind !== 'cluster-model' || model.version !== 1) throw new TypeError('Not a cluster-model v1');
  const scaler = loadScaler(model.scaler);
  const centroids = model.clusters.map((cluster) => cluster.centroid);
  return {
    assign(input) {
      const values = 'personId' in input && 'values' in input ? (input as FeatureRow).values : (input as Partial<Record<FeatureName, number | null>>);
      if (!isClusterable(values) || centroids.length === 0) return null;
      const { index, distance } = nearestCentroid(scaler.transformValues(values), centroids);
      const cluster = model.clusters[index];
      if (cluster === undefined) return null;
      return { clusterId: cluster.id, name: cluster.name, distance: Math.sqrt(distance) };
    },
  };
}
