/**
 * AWS IoT Core default API rate quotas (requests per second, per account and region),
 * from aws-facts §4. Values marked "unconfirmed" there use the common default of 10.
 */
export const DEFAULT_IOT_TPS: Readonly<Record<string, number>> = {
  DescribeCertificate: 10,
  UpdateCertificate: 10, // unconfirmed (quota L-77B523DC; commonly 10)
  DescribeCACertificate: 10, // unconfirmed
  ListCertificatesByCA: 10, // unconfirmed
  CreatePolicy: 10, // unconfirmed
  GetPolicy: 10,
  AttachPolicy: 15,
  AttachThingPrincipal: 100,
  CreateThing: 100,
  UpdateThing: 100,
  DescribeThing: 350,
  AddThingToThingGroup: 100,
  DescribeThingGroup: 100,
  DescribeThingType: 100,
  CreateThingGroup: 25,
  ListThingPrincipals: 10, // conflicting sources: 10 or 20; the lower one
  ListPrincipalThings: 10,
  ListThingGroupsForThing: 100,
  AddThingToBillingGroup: 60,
  DescribeBillingGroup: 100,
  DescribeProvisioningTemplate: 10, // unconfirmed
};

/** A token bucket: `rate` tokens per second, burst of one second's worth. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = rate;
    this.last = now();
  }

  /** Takes a token if one is available. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.rate, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}
