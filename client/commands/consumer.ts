export const CONSUMER_USAGE = 'taskplane consumer register|get|list|delete|history';
export async function runConsumer(_args: string[]): Promise<number> {
  throw new Error('not yet written');
}
