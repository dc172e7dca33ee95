// ical.js (the parser in Thunderbird): print each named feed's calendar-level name and
// description as ical.js decodes them, as {path: {property: value}} JSON.
import { readFileSync } from "fs";

const ICAL = (await import(process.env.ICALJS_DIR + "/node_modules/ical.js/dist/ical.js")).default;
const NAMES = ["name", "x-wr-calname", "description", "x-wr-caldesc"];

const all = {};
for (const path of process.argv.slice(2)) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf-8")));
  const found = {};
  for (const name of NAMES) {
    const value = root.getFirstPropertyValue(name);
    if (value !== null) found[name.toUpperCase()] = value;
  }
  all[path] = found;
}
console.log(JSON.stringify(all));
