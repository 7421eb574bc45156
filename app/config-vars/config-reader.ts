/**
 * What the build pipeline may read and write of the config-vars module's table, through
 * ConfigVarsService: the values a build and a release take, and a rollback's restore.
 */
export interface ConfigReader {
  /** The app's stored config vars ({} for an app without any). */
  values(app: string): Record<string, string>;
}

export interface ConfigRestorer extends ConfigReader {
  /** Sets and unsets together, unchecked (the values were checked when first set). */
  restore(app: string, set: Readonly<Record<string, string>>, unset: readonly string[]): void;
}
