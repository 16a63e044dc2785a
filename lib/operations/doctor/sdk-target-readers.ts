/** SDK adapters of {@link TargetReaders}: CloudFormation for the stack, Lambda for the function. */
import {
  type CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { TargetReaders } from './resolve-target.js';

export function sdkTargetReaders(clients: {
  cloudformation: CloudFormationClient;
  lambda: LambdaClient;
}): TargetReaders {
  return {
    async stack(name) {
      const stacks = await clients.cloudformation.send(new DescribeStacksCommand({ StackName: name }));
      const outputs: Record<string, string> = {};
      for (const o of stacks.Stacks?.[0]?.Outputs ?? []) {
        if (o.OutputKey !== undefined && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
      }
      const resources = await clients.cloudformation.send(
        new DescribeStackResourcesCommand({ StackName: name }),
      );
      return {
        outputs,
        resources: (resources.StackResources ?? []).flatMap((r) =>
          r.LogicalResourceId && r.ResourceType && r.PhysicalResourceId
            ? [{ logicalId: r.LogicalResourceId, type: r.ResourceType, physicalId: r.PhysicalResourceId }]
            : [],
        ),
      };
    },
    async functionConfiguration(name) {
      try {
        const c = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
        if (c.FunctionArn === undefined || c.Role === undefined) return null;
        return {
          functionArn: c.FunctionArn,
          roleArn: c.Role,
          environment: { ...(c.Environment?.Variables ?? {}) },
        };
      } catch (error) {
        if (error instanceof Error && error.name === 'ResourceNotFoundException') return null;
        throw error;
      }
    },
  };
}
