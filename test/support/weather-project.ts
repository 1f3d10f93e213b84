import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { builtFile } from './bundles.js';
import { ROOT } from './run-action.js';

/**
 * A team's model repository, as the lifecycle test grows it: Seattle's daily weather (vega-datasets) split by year
 * into training (2012-2013), holdout (2014) and production data (2015), a contract and a gate policy, and a Python
 * training entry point as the templates expect (`python train/train.py --data --out --metrics`), which runs the
 * weather example's trainer (the committed bundle, copied in) with the settings in `train/config.json`. Those
 * settings are what a pull request changes to make a better or a worse model.
 */

/** The trainer's settings: hidden units (0: a linear model), epochs and seed. */
export interface TrainerSettings {
  hidden: number;
  epochs: number;
  seed?: number;
}

const WEATHER = join(
  dirname(createRequire(join(ROOT, 'package.json')).resolve('vega-datasets')),
  '..',
  'data',
  'seattle-weather.csv',
);

/** The weather table with its label column named `label`, as the templates' `label:` input expects. */
function weatherRows(): { header: string; rows: string[] } {
  const [header, ...rows] = readFileSync(WEATHER, 'utf8').trim().split(/\r?\n/);
  return { header: header!.replace(/,weather$/, ',label'), rows };
}

const byYear = (rows: string[], ...years: string[]) => rows.filter((r) => years.some((y) => r.startsWith(y)));

/**
 * Production data: 2015's days, or with `like: 'reference'` the days the released profile was made from (2012-2014:
 * data as the model knows it, so no drift); `shiftWind` moves the wind column to make drift.
 */
export function productionCsv(shiftWind = 0, like: 'new' | 'reference' = 'new'): string {
  const { header, rows } = weatherRows();
  const days = like === 'reference' ? byYear(rows, '2012', '2013', '2014') : byYear(rows, '2015');
  const shifted = days.map((row) => {
    if (shiftWind === 0) return row;
    const cells = row.split(',');
    cells[4] = (Number(cells[4]) + shiftWind).toFixed(1);
    return cells.join(',');
  });
  return `${header}\n${shifted.join('\n')}\n`;
}

export const CONTRACT = `schema: mlgate/contract@1
dataset:
  row_count: { min: 100 }
columns:
  date: { type: string, nullable: false, unique: true }
  precipitation: { type: float, nullable: false, min: 0, max: 100 }
  temp_max: { type: float, nullable: false, min: -20, max: 45 }
  temp_min: { type: float, nullable: false, min: -25, max: 35 }
  wind: { type: float, nullable: false, min: 0, max: 15 }
  label: { type: category, nullable: false, allowed: [drizzle, fog, rain, snow, sun] }
`;

export const POLICY = `metrics:
  accuracy: { min: 0.5, max-drop: 0.02 }
`;

/**
 * The training entry point the templates call. It maps the template's options onto the example trainer's, renames
 * the label column back to the trainer's `weather`, and reads the settings a pull request may change.
 */
const TRAIN_PY = `import json, os, subprocess, sys, tempfile

args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
settings = json.load(open(os.path.join(os.path.dirname(__file__), "config.json")))
with open(args["--data"]) as source:
    lines = source.read().splitlines()
lines[0] = lines[0].replace(",label", ",weather")
data = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
data.write("\\n".join(lines) + "\\n")
data.close()
trainer = os.path.join(os.path.dirname(__file__), "trainer.mjs")
command = ["node", trainer, "--data", data.name, "--model", args["--out"], "--metrics", args["--metrics"],
           "--hidden", str(settings["hidden"]), "--epochs", str(settings["epochs"]), "--seed", str(settings.get("seed", 1))]
sys.exit(subprocess.call(command))
`;

/** Every file of the repository at its first commit, the workflows among them. */
export function weatherProject(settings: TrainerSettings, workflows: Record<string, string>): Record<string, string> {
  const { header, rows } = weatherRows();
  const files: Record<string, string> = {
    'data/train.csv': `${header}\n${byYear(rows, '2012', '2013').join('\n')}\n`,
    'data/holdout.csv': `${header}\n${byYear(rows, '2014').join('\n')}\n`,
    'data/production/current.csv': productionCsv(),
    'data/train.csv.dvc': 'outs:\n- md5: 1f2e3d4c\n  path: train.csv\n',
    'contract.yml': CONTRACT,
    '.github/mlgate-policy.yml': POLICY,
    'requirements.txt': '# the example trainer needs no Python packages\n',
    'train/train.py': TRAIN_PY,
    'train/trainer.mjs': readFileSync(builtFile('example-weather', 'train.js'), 'utf8'),
    'train/config.json': `${JSON.stringify(settings)}\n`,
  };
  for (const [name, text] of Object.entries(workflows)) files[`.github/workflows/${name}`] = text;
  return files;
}

/** A template as a team commits it: GitHub's `$default-branch` placeholder becomes the branch's name. */
export function installTemplate(name: string, defaultBranch = 'main'): string {
  return readFileSync(join(ROOT, 'workflow-templates', name), 'utf8').replaceAll('$default-branch', defaultBranch);
}
