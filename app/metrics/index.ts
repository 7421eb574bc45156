export { collectMetrics, type MetricsFacts, type MetricsSources, type ContainerFact, type BuildFacts } from './metrics-facts';
export { prometheusText } from './prometheus-text';
export { MetricsService, type MetricsHistory, type ProcessSample, type ProcessSeries, type MetricsServiceDeps } from './metrics-service';
export { MetricsCollector, type SampledContainer } from './metrics-collector';
export { parseRange, tiersFor, RANGES, type MetricsRange, type Tier } from './tiers';
export { percentileMs, addLatency, binOf, type LatencyHistogram } from './latency-histogram';
