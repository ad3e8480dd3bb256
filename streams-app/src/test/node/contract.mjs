// The gateway as the official OpenAI SDK sees it. Prints one JSON object with what each call returned.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.GATEWAY_URL + 'v1', apiKey: process.env.API_KEY, maxRetries: 0 });
const messages = [{ role: 'user', content: 'And God said' }];
const chatParams = { model: 'kjv-llama-6m', messages, max_tokens: 24, temperature: 0.8, seed: 7 };
const textParams = { model: 'kjv-llama-6m', prompt: 'In the beginning', max_tokens: 20, temperature: 0.9, seed: 11 };

async function errorOf(call) {
  try { await call(); return null; } catch (e) {
    return { status: e.status, type: e.type ?? e.error?.type, param: e.param ?? e.error?.param, code: e.code ?? e.error?.code, name: e.constructor.name };
  }
}

const out = {};
const chat = await client.chat.completions.create(chatParams);
out.chat = { id: chat.id, object: chat.object, text: chat.choices[0].message.content, role: chat.choices[0].message.role,
  finish: chat.choices[0].finish_reason, fingerprint: chat.system_fingerprint, usage: chat.usage };

const stream = await client.chat.completions.create({ ...chatParams, stream: true, stream_options: { include_usage: true } });
let text = '', finish = null, fingerprint = null, usage = null, id = null, chunks = 0, role = null;
for await (const chunk of stream) {
  chunks++;
  id = chunk.id;
  if (chunk.usage) usage = chunk.usage;
  const c = chunk.choices[0];
  if (!c) continue;
  if (c.delta.role) role = c.delta.role;
  if (c.delta.content) text += c.delta.content;
  if (c.finish_reason) { finish = c.finish_reason; fingerprint = chunk.system_fingerprint; }
}
out.chatStream = { id, text, role, finish, fingerprint, usage, chunks };

const completion = await client.completions.create(textParams);
out.completion = { id: completion.id, object: completion.object, text: completion.choices[0].text,
  finish: completion.choices[0].finish_reason, fingerprint: completion.system_fingerprint, usage: completion.usage };

const textStream = await client.completions.create({ ...textParams, stream: true });
let t = '', tid = null;
for await (const chunk of textStream) { tid = chunk.id; t += chunk.choices[0]?.text ?? ''; }
out.completionStream = { id: tid, text: t };

out.models = (await client.models.list()).data.map(m => m.id);
out.errors = {
  n: await errorOf(() => client.chat.completions.create({ ...chatParams, n: 2 })),
  auth: await errorOf(() => new OpenAI({ baseURL: process.env.GATEWAY_URL + 'v1', apiKey: 'wrong', maxRetries: 0 }).models.list()),
};
console.log(JSON.stringify(out));
