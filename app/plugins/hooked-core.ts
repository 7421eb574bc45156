/**
 * The app lifecycle with the plugin hooks around it (`app:create`, `app:destroy`). Build and deploy
 * hooks are steps of the release pipeline (app/deploys/release-pipeline.ts), and `build:detect` is
 * the ImageBuilder's `extraBuilder`: no subclass of the core knows plugins exist.
 */
import type { AppResources } from '../apps';
import type { HookRegistry } from './hooks';

/** `app:create` after the app's resources exist; `app:destroy` before they are removed. */
export function hookedResources(inner: AppResources, hooks: HookRegistry): AppResources {
  return {
    async created(app) {
      await inner.created(app);
      await hooks.run('app:create', { app });
    },
    renamed: (from, to) => inner.renamed(from, to),
    async destroyed(app, o) {
      await hooks.run('app:destroy', { app });
      await inner.destroyed(app, o);
    },
  };
}
