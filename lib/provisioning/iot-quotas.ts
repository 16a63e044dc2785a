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
