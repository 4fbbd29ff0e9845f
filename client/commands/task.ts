export const TASK_USAGE = 'taskplane task create|get|list|watch|cancel';
export async function runTask(_args: string[]): Promise<number> {
  throw new Error('not yet written');
}
