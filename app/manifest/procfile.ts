import { BerthError } from '../errors';
import { isProcessType } from '../naming/process-type';


/** Parses a Procfile: `<type>: <command>` per line; blank lines and # comments ignored. */
export function parseProcfile(text: string): Record<string, string> {
  const processes: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([^:\s]+)\s*:\s*(.*)$/.exec(line);
    if (!m || !m[2]) {
      throw new BerthError('INVALID_PROCFILE', `Procfile line ${i + 1} ("${line.slice(0, 60)}") is not \`<type>: <command>\`.`);
    }
    if (!isProcessType(m[1])) {
      throw new BerthError('INVALID_PROCFILE', `Procfile line ${i + 1}: process type "${m[1]}" must be lowercase letters, digits and dashes.`);
    }
    if (processes[m[1]]) throw new BerthError('INVALID_PROCFILE', `Procfile line ${i + 1}: process type "${m[1]}" is defined twice.`);
    processes[m[1]] = m[2];
  });
  return processes;
}
