/** Obtains certificates from a CA (ACME). infra/acme implements it. */

export interface HttpChallenge {
  readonly token: string;
  /** The key authorization served as the token's body. */
  readonly content: string;
}

export interface IssueRequest {
  readonly domains: readonly string[];
  readonly email?: string;
  /** Makes the challenge reachable over HTTP on every domain (the router serves it). */
  publish(challenge: HttpChallenge): Promise<void>;
  unpublish(challenge: HttpChallenge): Promise<void>;
}

export interface IssuedCertificate {
  /** PEM chain, leaf first. */
  readonly cert: string;
  /** PEM private key. */
  readonly key: string;
}

export interface CertificateIssuer {
  issue(request: IssueRequest): Promise<IssuedCertificate>;
}
