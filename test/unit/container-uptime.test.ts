import assert from 'node:assert/strict';
import { upForSeconds } from '../../app/infra/docker/container-info';

describe('a listed container\'s uptime (docker\'s Status words), so the overview inspects only fresh ones', () => {
  it('reads docker\'s human durations as a lower bound in seconds', () => {
    assert.equal(upForSeconds('Up Less than a second'), 0);
    assert.equal(upForSeconds('Up 1 second'), 1);
    assert.equal(upForSeconds('Up 59 seconds'), 59);
    assert.equal(upForSeconds('Up About a minute'), 60);
    assert.equal(upForSeconds('Up 3 minutes'), 180);
    assert.equal(upForSeconds('Up About an hour (healthy)'), 3600);
    assert.equal(upForSeconds('Up 2 hours (unhealthy)'), 7200);
    assert.equal(upForSeconds('Up 4 days'), 345600);
  });

  it('knows nothing of containers that are not up', () => {
    assert.equal(upForSeconds('Exited (3) 2 seconds ago'), undefined);
    assert.equal(upForSeconds('Restarting (3) 1 second ago'), undefined);
    assert.equal(upForSeconds('Created'), undefined);
    assert.equal(upForSeconds(undefined), undefined);
  });
});
