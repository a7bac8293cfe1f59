// The tool-call pairing rules both real APIs enforce with a 400, checked here so that an agent loop that trims
// history between a tool call and its result fails in tests as it would against the provider.

type Message = { role?: unknown; content?: unknown; tool_calls?: unknown; tool_call_id?: unknown };

const idsOf = (calls: unknown): string[] =>
  Array.isArray(calls) ? calls.map((c: { id?: unknown }) => String(c?.id ?? '')) : [];

/** OpenAI: tool messages answer the calls of the assistant message right before them, and answer all of them. */
export function openaiToolPairingProblem(messages: Message[]): string | undefined {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === 'tool') {
      let j = i - 1;
      while (j >= 0 && messages[j]!.role === 'tool') j--;
      const asked = j >= 0 && messages[j]!.role === 'assistant' ? idsOf(messages[j]!.tool_calls) : [];
      if (!asked.includes(String(m.tool_call_id)))
        return `messages[${i}]: a 'tool' message must answer a tool_call_id of the assistant message before it (got ${String(m.tool_call_id)})`;
    }
    const asked = m.role === 'assistant' ? idsOf(m.tool_calls) : [];
    if (asked.length === 0 || i === messages.length - 1) continue;
    const answered = new Set<string>();
    for (let k = i + 1; k < messages.length && messages[k]!.role === 'tool'; k++)
      answered.add(String(messages[k]!.tool_call_id));
    const missing = asked.filter((id) => !answered.has(id));
    if (missing.length)
      return `messages[${i}]: an assistant message with tool_calls must be followed by tool messages for each id (missing ${missing.join(', ')})`;
  }
  return undefined;
}

const blocksOf = (content: unknown, type: string): Array<Record<string, unknown>> =>
  Array.isArray(content) ? content.filter((b: { type?: unknown }) => b?.type === type) : [];

/** Anthropic: tool_result blocks answer the tool_use blocks of the assistant turn right before, and all of them. */
export function anthropicToolPairingProblem(messages: Message[]): string | undefined {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const prev = messages[i - 1];
    const asked =
      prev?.role === 'assistant' ? blocksOf(prev.content, 'tool_use').map((b) => String(b.id)) : [];
    const results =
      m.role === 'user' ? blocksOf(m.content, 'tool_result').map((b) => String(b.tool_use_id)) : [];
    const unexpected = results.filter((id) => !asked.includes(id));
    if (unexpected.length)
      return `messages.${i}.content: unexpected tool_use_id in tool_result blocks: ${unexpected.join(', ')} (each must match a tool_use in the previous message)`;
    if (prev?.role !== 'assistant' || asked.length === 0) continue;
    const missing = asked.filter((id) => !results.includes(id));
    if (missing.length)
      return `messages.${i}: tool_use ids without tool_result blocks right after them: ${missing.join(', ')}`;
  }
  return undefined;
}
