// Error types of the S3 CRL store and the revocation decision.
export {};
