/**
 * Test helper: find a Python 3 that can execute the analytics notebook, and run the notebook
 * headless with parameters injected (papermill convention, without needing papermill).
 *
 * - `findNotebookPython()`: tries `$PYTHON`, then `python3` on PATH, then `/usr/bin/python3` (a
 *   pyenv / venv `python3` on PATH often lacks Debian's `python3-*` packages), and returns the
 *   first one that imports pandas, numpy, matplotlib, nbclient, nbformat and ipykernel and has a
 *   `python3` kernel spec; otherwise `{ ok: false, reason }` saying what is missing.
 * - `runNotebook(python, options)`: copies the notebook with an `injected-parameters` cell right
 *   after the cell tagged `parameters` (as papermill and SageMaker's notebook runner do), executes
 *   it top to bottom on a fresh `python3` kernel with nbclient, and writes the executed notebook.
 *   Rejects with the failing cell's traceback when a cell raises.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const NOTEBOOK_MODULES = ['pandas', 'numpy', 'matplotlib', 'nbclient', 'nbformat', 'ipykernel'] as const;
/** Debian 12 packages that provide them (what .ci/run installs). */
export const NOTEBOOK_DEBIAN_PACKAGES = 'python3-pandas python3-matplotlib python3-nbclient python3-ipykernel python3-nbformat';

export type NotebookPython = { ok: true; python: string; version: string } | { ok: false; reason: string };

const PROBE = `
import importlib, json, sys
missing = []
for name in ${JSON.stringify(NOTEBOOK_MODULES)}:
    try:
        importlib.import_module(name)
    except Exception:
        missing.append(name)
kernel = None
if not missing:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    try:
        KernelSpecManager().get_kernel_spec("python3")
        kernel = "python3"
    except NoSuchKernel:
        pass
print(json.dumps({"version": sys.version.split()[0], "missing": missing, "kernel": kernel}))
`;

export function findNotebookPython(): NotebookPython {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  const problems: string[] = [];
  for (const python of [...new Set(candidates)]) {
    const probe = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
    if (probe.error || probe.status !== 0) {
      problems.push(`${python}: ${probe.error ? 'not found' : `exited ${probe.status}`}`);
      continue;
    }
    let info: { version: string; missing: string[]; kernel: string | null };
    try {
      info = JSON.parse(probe.stdout.trim().split('\n').pop() ?? '');
    } catch {
      problems.push(`${python}: unexpected probe output`);
      continue;
    }
    if (info.missing.length) problems.push(`${python} (${info.version}) lacks ${info.missing.join(', ')}`);
    else if (!info.kernel) problems.push(`${python} (${info.version}) has no "python3" Jupyter kernel spec`);
    else return { ok: true, python, version: info.version };
  }
  return { ok: false, reason: problems.join('; ') || 'no python3 found' };
}

const RUNNER = `
import json, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

args = json.loads(sys.argv[1])
nb = nbformat.read(args["notebook"], as_version=4)
index = next((i for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])), None)
if index is None:
    sys.exit("the notebook has no code cell tagged 'parameters'")
lines = ["# Parameters"] + [f"{name} = {json.dumps(value)}" for name, value in args["parameters"].items()]
cell = nbformat.v4.new_code_cell("\\n".join(lines))
cell.metadata["tags"] = ["injected-parameters"]
nb.cells.insert(index + 1, cell)
client = NotebookClient(nb, kernel_name="python3", timeout=args["cellTimeout"], allow_errors=False,
                        resources={"metadata": {"path": args["cwd"]}})
try:
    client.execute()
except CellExecutionError as error:
    nbformat.write(nb, args["output"])
    print(str(error), file=sys.stderr)
    sys.exit(1)
nbformat.write(nb, args["output"])
`;

export interface RunNotebookOptions {
  /** The notebook to run (not modified). */
  notebook: string;
  /** Values for the variables of the `parameters` cell (injected as Python literals). */
  parameters: Record<string, string | number | boolean | null>;
  /** Working directory of the kernel. */
  cwd: string;
  /** Where to write the executed notebook. */
  output: string;
  /** Per-cell timeout, seconds (default 300). */
  cellTimeout?: number;
}

export async function runNotebook(python: string, options: RunNotebookOptions): Promise<{ stdout: string; stderr: string }> {
  const args = JSON.stringify({
    notebook: options.notebook,
    parameters: options.parameters,
    cwd: options.cwd,
    output: options.output,
    cellTimeout: options.cellTimeout ?? 300,
  });
  await mkdir(options.cwd, { recursive: true });
  try {
    return await execFileAsync(python, ['-c', RUNNER, args], {
      cwd: options.cwd,
      timeout: 15 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, MPLBACKEND: 'Agg', PYDEVD_DISABLE_FILE_VALIDATION: '1', PYTHONDONTWRITEBYTECODE: '1' },
    });
  } catch (error) {
    const e = error as Error & { stderr?: string };
    const tail = (e.stderr ?? '').split('\n').filter((l) => !/Debugger warning|frozen modules|PYDEVD|Debugging will proceed/.test(l));
    throw new Error(`notebook run failed: ${tail.slice(-40).join('\n') || e.message}`);
  }
}
