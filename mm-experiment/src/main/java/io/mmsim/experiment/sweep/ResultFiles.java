package io.mmsim.experiment.sweep;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mmsim.workload.RunResult;

/*
 * The files of a sweep folder, written and read in one place so that a sweep, a resumed sweep and a
 * merge of shards produce the same bytes.
 *
 *   results.csv    header, then one row per run in run order (commons-csv, LF line ends)
 *   results.json   [ one object per line, fields in the CSV's order ]
 *   runs.jsonl     one object per finished run, in the order runs finished, with its "run" index
 *                  first; appended and flushed as each run ends
 *   sweep.json     the grid: workloads with their SHA-256, the varied keys and values, the shard
 *
 * Numbers: counters are integers; a varied value that is a plain decimal number is a JSON number
 * (a size with a suffix such as 64M stays a string); wall_ms has 3 decimals and refs_per_s none.
 */
final class ResultFiles {
  static final String CSV = "results.csv";
  static final String JSON = "results.json";
  static final String JOURNAL = "runs.jsonl";
  static final String MANIFEST = "sweep.json";

  private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]{0,17})(\\.[0-9]+)?");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private ResultFiles() {}

  static List<String> columns(List<String> keys) {
    List<String> c = new ArrayList<>();
    c.add("workload");
    c.add("workload_sha256");
    c.addAll(keys);
    c.add("outcome");
    c.addAll(RunResult.COUNTERS);
    c.add("wall_ms");
    c.add("refs_per_s");
    return c;
  }

  static String wallMs(double ms) {
    return String.format(Locale.ROOT, "%.3f", ms);
  }

  static String refsPerS(double r) {
    return Long.toString(Math.round(r));
  }

  static void writeCsv(Path file, List<String> keys, List<RunRow> rows) throws IOException {
    CSVFormat f =
        CSVFormat.DEFAULT
            .builder()
            .setRecordSeparator('\n')
            .setHeader(columns(keys).toArray(new String[0]))
            .get();
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter p = new CSVPrinter(w, f)) {
      List<Object> rec = new ArrayList<>();
      for (RunRow r : rows) {
        rec.clear();
        rec.add(r.workload());
        rec.add(r.sha256());
        rec.addAll(r.values());
        rec.add(r.outcome());
        for (long c : r.counters()) {
          rec.add(c);
        }
        rec.add(wallMs(r.wallMs()));
        rec.add(refsPerS(r.refsPerS()));
        p.printRecord(rec);
      }
    }
  }

  static void writeJson(Path file, List<String> keys, List<RunRow> rows) throws IOException {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < rows.size(); i++) {
      sb.append(i == 0 ? "\n" : ",\n").append(jsonObject(keys, rows.get(i), false));
    }
    sb.append(rows.isEmpty() ? "]\n" : "\n]\n");
    Files.writeString(file, sb, StandardCharsets.UTF_8);
  }

  /** One run as a JSON object on one line; with {@code index}, its run number first. */
  static String jsonObject(List<String> keys, RunRow r, boolean index) throws IOException {
    StringWriter sw = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(sw)) {
      g.writeStartObject();
      if (index) {
        g.writeNumberField("run", r.index());
      }
      g.writeStringField("workload", r.workload());
      g.writeStringField("workload_sha256", r.sha256());
      for (int k = 0; k < keys.size(); k++) {
        String v = r.values().get(k);
        g.writeFieldName(keys.get(k));
        if (JSON_NUMBER.matcher(v).matches()) {
          g.writeNumber(v);
        } else {
          g.writeString(v);
        }
      }
      g.writeStringField("outcome", r.outcome());
      List<String> names = RunResult.COUNTERS;
      for (int c = 0; c < names.size(); c++) {
        g.writeNumberField(names.get(c), r.counters()[c]);
      }
      g.writeFieldName("wall_ms");
      g.writeNumber(wallMs(r.wallMs()));
      g.writeFieldName("refs_per_s");
      g.writeNumber(refsPerS(r.refsPerS()));
      g.writeEndObject();
    }
    return sw.toString();
  }

  /** The runs of a journal; a torn last line (a sweep killed while writing) is ignored. */
  static List<RunRow> readJournal(Path file, List<String> keys) throws IOException {
    List<RunRow> rows = new ArrayList<>();
    if (!Files.exists(file)) {
      return rows;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = MAPPER.readTree(line);
      } catch (IOException e) {
        if (i == lines.size() - 1) {
          break;
        }
        throw new SweepException(
            null, file + ":" + (i + 1) + ": not a run record: " + e.getMessage());
      }
      rows.add(row(file, i + 1, n, keys));
    }
    return rows;
  }

  private static RunRow row(Path file, int line, JsonNode n, List<String> keys) {
    try {
      List<String> values = new ArrayList<>();
      for (String k : keys) {
        values.add(need(n, k).asText());
      }
      long[] counters = new long[RunResult.COUNTERS.size()];
      for (int c = 0; c < counters.length; c++) {
        counters[c] = need(n, RunResult.COUNTERS.get(c)).asLong();
      }
      return new RunRow(
          need(n, "run").asInt(),
          need(n, "workload").asText(),
          need(n, "workload_sha256").asText(),
          values,
          need(n, "outcome").asText(),
          counters,
          need(n, "wall_ms").asDouble(),
          need(n, "refs_per_s").asDouble());
    } catch (IllegalArgumentException e) {
      throw new SweepException(null, file + ":" + line + ": " + e.getMessage());
    }
  }

  private static JsonNode need(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("the run record has no '" + field + "'");
    }
    return v;
  }

  // ------------------------------------------------------------------ the manifest

  /** The grid as sweep.json holds it. */
  record Manifest(
      List<String> workloads, List<String> sha256, List<Vary> varies, int shard, int shards) {
    /** Whether two manifests describe the same grid (shards aside). */
    boolean sameGrid(Manifest o) {
      return workloads.equals(o.workloads) && sha256.equals(o.sha256) && varies.equals(o.varies);
    }
  }

  static void writeManifest(Path file, Manifest m) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode ws = root.putArray("workloads");
    for (int i = 0; i < m.workloads().size(); i++) {
      ws.addObject().put("name", m.workloads().get(i)).put("sha256", m.sha256().get(i));
    }
    ArrayNode vs = root.putArray("vary");
    for (Vary v : m.varies()) {
      ObjectNode o = vs.addObject();
      o.put("key", v.key());
      ArrayNode vals = o.putArray("values");
      for (String s : v.values()) {
        vals.add(s);
      }
    }
    root.putObject("shard").put("index", m.shard()).put("count", m.shards());
    Files.writeString(
        file,
        MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
        StandardCharsets.UTF_8);
  }

  static Manifest readManifest(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new SweepException(null, file.getParent() + " holds no sweep (no " + MANIFEST + ")");
    }
    try {
      JsonNode root = MAPPER.readTree(file.toFile());
      List<String> names = new ArrayList<>();
      List<String> sums = new ArrayList<>();
      for (JsonNode w : root.get("workloads")) {
        names.add(w.get("name").asText());
        sums.add(w.get("sha256").asText());
      }
      List<Vary> varies = new ArrayList<>();
      for (JsonNode v : root.get("vary")) {
        List<String> values = new ArrayList<>();
        for (Iterator<JsonNode> it = v.get("values").elements(); it.hasNext(); ) {
          values.add(it.next().asText());
        }
        varies.add(new Vary(v.get("key").asText(), values));
      }
      JsonNode s = root.get("shard");
      return new Manifest(names, sums, varies, s.get("index").asInt(), s.get("count").asInt());
    } catch (IOException | RuntimeException e) {
      if (e instanceof SweepException se) {
        throw se;
      }
      throw new SweepException(null, file + ": not a sweep manifest: " + e.getMessage(), e);
    }
  }
}
