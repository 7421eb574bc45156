import type { ServiceDescriptor } from './descriptor';

/** A service plugin the kit can drive. */
export interface ServicePlugin {
  readonly id: string;
  readonly version: string;
  readonly descriptor: ServiceDescriptor;
  /** The default image (descriptor's, else the manifest's). */
  readonly image: string;
  /** The plugin's image.sh, shown when the image is missing. */
  readonly imageScript: string | null;
}

/** Where the kit finds service plugins: the plugin host, which knows which are loaded and enabled. */
export interface ServiceCatalog {
  /** Throws SERVICE_PLUGIN_NOT_FOUND for an unknown or disabled plugin. */
  get(id: string): ServicePlugin;
  list(): ServicePlugin[];
}
