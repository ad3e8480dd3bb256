"""Regenerates jinja2-cases.json from snippets.txt with Python's jinja2, set up as HF's apply_chat_template does.
Snippets are one per line, except blocks between lines of "=====" which are one multi-line template each."""
import json
from datetime import datetime
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters['tojson'] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(
    x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
def raise_exception(m): raise Exception(m)
env.globals['raise_exception'] = raise_exception
env.globals['strftime_now'] = lambda f: datetime(2026, 1, 15, 9, 30, 0).strftime(f)
V = {'s': '  Hello World  ', 'l': [3, 1, 2], 'd': {'b': 2, 'a': 1, 'c': {'x': [1, 2]}}, 'n': None, 't': True,
     'f': 1.5, 'i': 7, 'e': '', 'u': 'ß straße Ünï',
     'ms': [{'role': 'user', 'content': 'hi'},
            {'role': 'assistant', 'content': 'yo', 'tool_calls': [{'function': {'name': 'f', 'arguments': {'a': 1}}}]}]}
text = open('snippets.txt', encoding='utf-8').read()
head, *blocks = text.split('=====\n')
snippets = [l for l in head.split('\n') if l.strip()] + blocks
cases = []
for s in snippets:
    try:
        cases.append({'template': s, 'expected': env.from_string(s).render(**V)})
    except Exception as e:
        cases.append({'template': s, 'expected_error': type(e).__name__ + ': ' + str(e)})
json.dump({'variables': V, 'now': '2026-01-15T09:30:00', 'cases': cases}, open('jinja2-cases.json', 'w', encoding='utf-8'),
          ensure_ascii=False, indent=1)
print(len(cases), 'cases')
