export * from './api';
export { PluginHost, type PluginHostDeps, type PluginListEntry, type PluginVerbEntry, type PluginPanelView } from './host';
export { HookRegistry } from './hooks';
export { planLoad, type LoadPlan, type RefusedPlugin } from './load-plan';
export { readManifest, checkCompatible } from './manifest';
export { discoverPlugins, type PluginSources } from './discovery';
export { hookedResources } from './hooked-core';
