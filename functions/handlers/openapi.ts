/**
 * `GET /openapi.json` and `GET /docs` (public). The document is generated from the zod
 * schemas each route registers when its module loads (functions/http/api-document.ts), which means
 * loading every HTTP handler. In AWS that happens once, at synth: the CDK writes `openapi.json` next
 * to this bundle (functions/http/api-document-asset.ts), so this Lambda stays small and its cold
 * start reads one file. Without that file (the local runtime runs the sources) the document is
 * built in process; the generator is imported through a variable so esbuild does not bundle it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { API_DOCUMENT_FILE } from "#functions/http/api-document-asset.ts";
import { html, httpHandler, httpRouter, text } from "#functions/http/index.ts";

/** Not a literal on purpose: the Lambda bundle must not contain the generator and every handler. */
const GENERATOR_MODULE: string = ["..", "http", "api-document.ts"].join("/");

let documentText: Promise<string> | undefined;

async function loadDocumentText(): Promise<string> {
  try {
    return await readFile(join(import.meta.dirname, API_DOCUMENT_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const generator = (await import(
    /* @vite-ignore */ GENERATOR_MODULE
  )) as typeof import("#functions/http/api-document.ts");
  return JSON.stringify(await generator.generateApiDocument());
}

/** The document as JSON text: the synth-time file in AWS, built from the loaded route modules locally. */
function openApiDocumentText(): Promise<string> {
  documentText ??= loadDocumentText().catch((error: unknown) => {
    documentText = undefined;
    throw error;
  });
  return documentText;
}

const json = httpHandler({
  route: "GET /openapi.json",
  public: true,
  summary: "This API as an OpenAPI 3.1 document",
  tags: ["system"],
  handler: async () => text(await openApiDocumentText(), "application/json; charset=utf-8"),
});

const docs = httpHandler({
  route: "GET /docs",
  public: true,
  summary: "Readable API documentation (HTML)",
  tags: ["system"],
  response: { status: 200, contentType: "text/html", description: "HTML page" },
  handler: async () => html(DOCS_PAGE),
});

export const handler = httpRouter(json, docs);

/** Self-contained (no CDN: county networks are often offline): fetches ./openapi.json and renders it. */
const DOCS_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>AidFlow API 文档</title>
<style>
body{font:14px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2329;background:#f5f6f7}
header{background:#1e6fd9;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
main{max-width:1040px;margin:0 auto;padding:16px}section{background:#fff;border-radius:6px;margin:12px 0;padding:12px 16px;box-shadow:0 1px 2px #0001}
h2{font-size:16px;border-bottom:1px solid #e5e6eb;padding-bottom:6px}
details{border-top:1px solid #f0f0f0;padding:6px 0}summary{cursor:pointer}
.m{display:inline-block;min-width:56px;text-align:center;border-radius:3px;color:#fff;font-weight:600;margin-right:8px}
.GET{background:#2f9e44}.POST{background:#1e6fd9}.PUT{background:#e67700}.DELETE{background:#c92a2a}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace}pre{background:#f7f8fa;padding:8px;overflow:auto;border-radius:4px;font-size:12px}
.lock{color:#86909c;font-size:12px;margin-left:8px}
</style></head><body>
<header><h1>AidFlow API — 临时救助</h1><div id="info"></div></header>
<main id="app"><p>正在加载 /openapi.json …</p></main>
<script>
const esc=(s)=>String(s).replace(/[&<>"]/g,(c)=>({"&":"&amp;","<":"&lt;",">":"&gt;","\\"":"&quot;"}[c]));
fetch("openapi.json").then((r)=>r.json()).then((doc)=>{
  document.getElementById("info").textContent=doc.info.description||"";
  const groups={};
  for(const [path,item] of Object.entries(doc.paths||{})){
    for(const [method,op] of Object.entries(item)){
      const tag=(op.tags&&op.tags[0])||"other";(groups[tag]=groups[tag]||[]).push({path,method:method.toUpperCase(),op});
    }
  }
  const app=document.getElementById("app");app.innerHTML="";
  for(const [tag,ops] of Object.entries(groups)){
    const sec=document.createElement("section");sec.innerHTML="<h2>"+esc(tag)+"</h2>";
    for(const {path,method,op} of ops){
      const d=document.createElement("details");
      const secured=!(Array.isArray(op.security)&&op.security.length===0);
      let body="<p>"+esc(op.description||"")+"</p>";
      if(op.parameters&&op.parameters.length){body+="<h4>参数 Parameters</h4><pre>"+esc(op.parameters.map((p)=>p.in+" "+p.name+(p.required?" *":"")+"  "+JSON.stringify(p.schema||{})).join("\\n"))+"</pre>";}
      const rb=op.requestBody&&op.requestBody.content&&op.requestBody.content["application/json"];
      if(rb){body+="<h4>请求体 Request body</h4><pre>"+esc(JSON.stringify(rb.schema,null,2))+"</pre>";}
      body+="<h4>响应 Responses</h4><pre>"+esc(Object.entries(op.responses||{}).map(([s,r])=>s+"  "+(r.description||"")).join("\\n"))+"</pre>";
      d.innerHTML="<summary><span class='m "+method+"'>"+method+"</span><code>"+esc(path)+"</code> "+esc(op.summary||"")+(secured?"<span class='lock'>🔒 Bearer</span>":"")+"</summary>"+body;
      sec.appendChild(d);
    }
    app.appendChild(sec);
  }
  if(doc.components&&doc.components.schemas){
    const sec=document.createElement("section");sec.innerHTML="<h2>Schemas</h2>";
    for(const [name,schema] of Object.entries(doc.components.schemas)){
      const d=document.createElement("details");d.innerHTML="<summary><code>"+esc(name)+"</code></summary><pre>"+esc(JSON.stringify(schema,null,2))+"</pre>";sec.appendChild(d);
    }
    app.appendChild(sec);
  }
}).catch((e)=>{document.getElementById("app").textContent="无法加载 openapi.json: "+e;});
</script></body></html>`;
