// ical.js (the parser in Thunderbird): read the feeds named on the command line, expand
// every event's occurrences and print {path: [{kind, uid, start (UTC)}]} as JSON.
import { readFileSync } from "fs";

const ICAL = (await import(process.env.ICALJS_DIR + "/node_modules/ical.js/dist/ical.js")).default;

function read(path) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf-8")));
  for (const zone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const out = [];
  for (const sub of root.getAllSubcomponents("vtodo")) {
    const due = sub.getFirstPropertyValue("due");
    out.push({ kind: "vtodo", uid: sub.getFirstPropertyValue("uid"), start: due ? due.toString() : null });
  }
  for (const sub of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(sub);
    const it = event.iterator();
    for (let next = it.next(); next; next = it.next()) {
      const when = next.isDate ? next.toString() : next.toJSDate().toISOString();
      out.push({ kind: "vevent", uid: event.uid, start: when });
    }
  }
  return out;
}

const all = {};
for (const path of process.argv.slice(2)) all[path] = read(path);
console.log(JSON.stringify(all));
