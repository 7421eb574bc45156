export { CertFiles } from './cert-files';
export { CertsService, type CertReport } from './certs-service';
export { LetsencryptService, type LetsencryptStatus } from './letsencrypt-service';
export { parseCertPair, certCovers, type ParsedCert } from './cert-parse';
