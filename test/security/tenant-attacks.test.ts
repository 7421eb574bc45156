import { destroyTenant, tenant, type Tenant } from './tenant';
import { storageAttacks } from './storage-attacks';
import { templateAttacks } from './template-attacks';
import { routeCaseAttacks } from './route-case-attacks';
import { roleAttacks } from './role-attacks';
import { sshAttacks } from './ssh-attacks';
import { portsAndDomainsAttacks } from './ports-domains-attacks';
import { filesAttacks } from './files-attacks';
import { strangerAttacks } from './stranger-attacks';
import { imageAttacks } from './image-attacks';
import { buildMountAttacks } from './build-mount-attacks';
import { limitsAttacks } from './limits-attacks';
import { undoAttacks } from './undo-attacks';
import { composeAttacks } from './compose-attacks';
import { streamAttacks } from './stream-attacks';
import { buildOptionAttacks } from './build-option-attacks';

/**
 * The tenant-attack suite (docs/security.md): as a developer of app A and as a viewer, every
 * class of escape is tried against app B, the host and berth itself, on one shared berth.
 */
describe('tenant attacks: a developer or viewer of app A against app B, the host and berth', function () {
  this.timeout(300_000);
  let world: Tenant;
  before(async () => { world = await tenant(); });
  after(async () => { await destroyTenant(); });
  const t = () => world;

  storageAttacks(t);
  templateAttacks(t);
  routeCaseAttacks(t);
  roleAttacks(t);
  sshAttacks(t);
  portsAndDomainsAttacks(t);
  filesAttacks(t);
  strangerAttacks(t);
  imageAttacks(t);
  buildMountAttacks(t);
  limitsAttacks(t);
  undoAttacks(t);
  composeAttacks(t);
  streamAttacks(t);
  buildOptionAttacks(t);
});
