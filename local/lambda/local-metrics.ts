import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Metrics that the handler records as in AWS but never prints: local mode has no CloudWatch to read
 * the EMF documents, and one per batch on stdout would bury the logs.
 */
export class LocalMetrics extends Metrics {
  override captureColdStartMetric(): void {}

  override publishStoredMetrics(): this {
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}
