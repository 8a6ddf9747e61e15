/**
 * Start-notebook-job Lambda: starts the analytics notebook as a SageMaker notebook job (a training
 * job) for the report window, on the schedule or by hand.
 *
 * Events: see `NotebookJobEvent` in `training-job-request.ts`. Environment: docs/TEAM-CONTRACTS.md.
 * A retried scheduled invocation builds the same job name, so SageMaker answers `ResourceInUse` and
 * the handler reports `already-started` instead of failing (no duplicate job).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { type NotebookJobEvent, readConfig, requestFor, resolveRun } from './training-job-request.js';

export type StartNotebookJobResult =
  | { status: 'started'; jobName: string; trainingJobArn: string }
  | { status: 'already-started'; jobName: string };

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'start-notebook-job' });
let client: SageMakerClient | undefined;

function sageMaker(): SageMakerClient {
  client ??= new SageMakerClient({});
  return client;
}

export async function handler(event: NotebookJobEvent | null | undefined): Promise<StartNotebookJobResult> {
  const config = readConfig(process.env);
  const run = resolveRun(event, {
    timezone: config.timezone,
    days: config.days,
    jobNamePrefix: config.jobNamePrefix,
    now: new Date(),
  });
  const request = requestFor(config, run);
  logger.info('starting notebook job', {
    jobName: run.jobName,
    trigger: run.trigger,
    window: { from: run.from, to: run.to, timezone: run.timezone },
    image: request.AlgorithmSpecification?.TrainingImage,
    instanceType: config.instanceType,
    notebook: `${config.notebookS3Uri.replace(/\/+$/, '')}/${config.notebookName}`,
    output: request.OutputDataConfig?.S3OutputPath,
  });
  try {
    const response = await sageMaker().send(new CreateTrainingJobCommand(request));
    const trainingJobArn = response.TrainingJobArn ?? '';
    logger.info('notebook job started', { jobName: run.jobName, trainingJobArn });
    return { status: 'started', jobName: run.jobName, trainingJobArn };
  } catch (error) {
    if ((error as { name?: string } | null)?.name === 'ResourceInUse') {
      logger.info('notebook job already exists (retried invocation)', { jobName: run.jobName });
      return { status: 'already-started', jobName: run.jobName };
    }
    logger.error('could not start the notebook job', { jobName: run.jobName, error: error as Error });
    throw error;
  }
}
