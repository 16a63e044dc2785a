// Minimal typing for the s3rver package (it ships none); only what s3.ts uses.
declare module 's3rver' {
  export default class S3rver {
    constructor(options: Record<string, unknown>);
    run(): Promise<{ port: number; address: string }>;
    close(): Promise<void>;
    /** The filesystem store (s3.ts makes its putObject wait for the write to reach the file). */
    store: {
      getResourcePath(bucket: string, key: string, resource: string): string;
      putObject(object: { bucket: string; key: string }): Promise<{ size: number; md5: string }>;
    };
    /** The http.Server, once run() resolved. */
    httpServer?: import('node:http').Server;
  }
}
