/** The names a provisioning template refers to that must exist before any device arrives. */
import type { ProvisioningTemplate } from '../../template/template-types.js';
import type { TemplateReferences } from './types.js';

function literal(node: unknown): string | null {
  return typeof node === 'string' && node.length > 0 ? node : null;
}

/**
 * Splits the template's references into literal names (checked by doctor) and ones computed
 * from device values (checked per device by the handler). Pure.
 */
export function templateReferences(template: ProvisioningTemplate): TemplateReferences {
  const refs: TemplateReferences = {
    thingTypes: [],
    thingGroups: [],
    billingGroups: [],
    policies: [],
    perDevice: [],
  };
  const add = (list: string[], name: string) => {
    if (!list.includes(name)) list.push(name);
  };
  for (const resource of template.resources) {
    const at = `Resources.${resource.logicalName}.Properties`;
    const props = resource.properties;
    if (resource.type === 'AWS::IoT::Thing') {
      if (props.ThingTypeName !== undefined) {
        const name = literal(props.ThingTypeName);
        if (name === null) refs.perDevice.push(`${at}.ThingTypeName`);
        else add(refs.thingTypes, name);
      }
      if (Array.isArray(props.ThingGroups)) {
        props.ThingGroups.forEach((node, i) => {
          const name = literal(node);
          if (name === null) refs.perDevice.push(`${at}.ThingGroups[${i}]`);
          else add(refs.thingGroups, name);
        });
      } else if (props.ThingGroups !== undefined) {
        refs.perDevice.push(`${at}.ThingGroups`);
      }
      if (props.BillingGroup !== undefined) {
        const name = literal(props.BillingGroup);
        if (name === null) refs.perDevice.push(`${at}.BillingGroup`);
        else add(refs.billingGroups, name);
      }
    }
    // A policy with a document is created by the handler; only a named one must pre-exist.
    if (
      resource.type === 'AWS::IoT::Policy' &&
      props.PolicyDocument === undefined &&
      props.PolicyName !== undefined
    ) {
      const name = literal(props.PolicyName);
      if (name === null) refs.perDevice.push(`${at}.PolicyName`);
      else add(refs.policies, name);
    }
  }
  return refs;
}
