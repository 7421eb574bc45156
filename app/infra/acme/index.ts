import type { CertificateIssuer } from '../../ports/certificate-issuer';
import { AcmeIssuer, type AcmeIssuerOptions } from './acme-issuer';

export type { AcmeIssuerOptions } from './acme-issuer';

export function createAcmeIssuer(options: AcmeIssuerOptions): CertificateIssuer {
  return new AcmeIssuer(options);
}
