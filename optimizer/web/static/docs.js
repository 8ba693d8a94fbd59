// Lists the API's endpoints and their form fields from the generated openapi.json (no Swagger UI: it would load
// from a CDN).
"use strict";

function resolve(spec, schema) {
  // a request body is a reference to components/schemas ("#/components/schemas/Body_solve_api_solve_post")
  if (schema && schema.$ref) return schema.$ref.split("/").slice(1).reduce((node, key) => node[key], spec);
  return schema;
}

function kind(field) {
  // "file", "text", "text or file", "list of texts": as the form takes the field
  const one = f => (f.contentMediaType || f.format === "binary") ? "file" : (f.type === "array"
    ? `repeatable ${one(f.items || {})}` : "text");
  const options = (field.anyOf || [field]).filter(f => f.type !== "null").map(one);
  return [...new Set(options)].join(" or ");
}

fetch("openapi.json").then(r => r.json()).then(spec => {
  const main = document.getElementById("endpoints");
  main.textContent = "";
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const card = document.createElement("section");
      card.className = "card";
      const h = document.createElement("h2");
      h.textContent = `${method.toUpperCase()} ${path}`;
      const p = document.createElement("p");
      p.textContent = op.summary || "";
      card.append(h, p);
      const schema = resolve(spec, op.requestBody?.content?.["multipart/form-data"]?.schema);
      if (schema) {
        const list = document.createElement("ul");
        for (const [name, field] of Object.entries(schema.properties || {})) {
          const li = document.createElement("li");
          const code = document.createElement("code");
          code.textContent = name;
          li.append(code, ` (${kind(field)}) ${field.description || ""}`);
          list.append(li);
        }
        card.append(list);
      }
      main.append(card);
    }
  }
});
