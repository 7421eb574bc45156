export { collectMetrics, type MetricsFacts, type MetricsSources, type ContainerFact, type BuildFacts } from './metrics-facts';
export { prometheusText } from './prometheus-text';
