import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../lib/certificate/index.js';
import { issueDeviceCertificate } from '../../../lib/pki/index.js';
import { certificateParameters } from '../../../lib/template/certificate-parameters.js';
import { ecCa } from '../../helpers/pki-fixtures.js';

describe('certificateParameters', () => {
  it('maps every subject attribute and the JITR extras', () => {
    // Prepare
    const dev = issueDeviceCertificate({
      ca: ecCa(),
      keyType: 'ec',
      serial: '0a0b',
      subject:
        'C=JP,ST=Tokyo,L=Minato,O=Example,OU=Sensors,OU=Second,CN=dev-001,serialNumber=SN1,dnQualifier=fleet-1',
      san: { dns: ['dev-001.example.com'], uri: ['urn:dev:1'] },
    });
    const facts = parseCertificate(dev.certificatePem);
    // Act
    const parameters = certificateParameters(facts, 'abc123');
    // Assess
    expect(parameters).toEqual({
      'AWS::IoT::Certificate::Country': 'JP',
      'AWS::IoT::Certificate::Organization': 'Example',
      'AWS::IoT::Certificate::OrganizationalUnit': 'Sensors',
      'AWS::IoT::Certificate::DistinguishedNameQualifier': 'fleet-1',
      'AWS::IoT::Certificate::StateName': 'Tokyo',
      'AWS::IoT::Certificate::CommonName': 'dev-001',
      'AWS::IoT::Certificate::SerialNumber': 'SN1',
      'AWS::IoT::Certificate::Id': 'abc123',
      'JITR::Certificate::Locality': 'Minato',
      'JITR::Certificate::X509SerialNumber': '0a0b',
      'JITR::Certificate::Fingerprint': facts.sha256,
      'JITR::Certificate::SanDns': 'dev-001.example.com',
      'JITR::Certificate::SanUri': 'urn:dev:1',
      'JITR::Certificate::IssuerCommonName': 'Example EC CA',
    });
  });

  it('omits what the certificate does not have', () => {
    const facts = parseCertificate(
      issueDeviceCertificate({ ca: ecCa(), keyType: 'ec', subject: 'CN=only', serial: '01' }).certificateDer,
    );
    expect(certificateParameters(facts, facts.sha256)).toEqual({
      'AWS::IoT::Certificate::CommonName': 'only',
      'AWS::IoT::Certificate::Id': facts.sha256,
      'JITR::Certificate::X509SerialNumber': '01',
      'JITR::Certificate::Fingerprint': facts.sha256,
      'JITR::Certificate::IssuerCommonName': 'Example EC CA',
    });
  });
});
