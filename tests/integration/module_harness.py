"""module_harness.py — one real module actor against pf-fakeapi, for golden tests.

ModuleTest is a unittest base class: a coordinator, pf-fakeapi, the
adapters the module calls and the real module actor (`pf module NAME`, with
the shipped seller profile), each stopped with the constellation even when a
test fails.  A subclass sets:

  MODULE        the module under test
  ADAPTERS      {adapter: (op, args)}: the adapters to start, each with a
                call that must answer before the tests begin
  ADAPTER_ARGS  {adapter: [flags]} for `pf adapter` (optional)
  FAKE_ARGS     flags for pf-fakeapi (optional)
  UPSTREAM      real upstream modules to run too (optional; the others of
                the module's closure must not be needed: ENRICH asks for
                MODULE, which brings its inputs along)
  SIMULATED     modules of the closure started simulated (`pf module NAME
                --simulate 0`: placeholder results marked "simulated"),
                for inputs not under test (optional)

and gets enrich() (a synchronous ENRICH of that module alone that must
complete), job() (the same, any outcome), check_shape() (the facts-with-
provenance contract of docs/MODULES.md), source() and reason().
"""

import os
import unittest

import pfp_harness as h
import provider_harness as ph

# A synchronous ENRICH of one module ends well within this.
JOB_TIMEOUT_S = 90.0

# A call per adapter that shows it is up: setUpClass waits for its answer.
PROBES = {"builtwith": ("keywords", {"domain": "nike.com"}),
          "similarweb": ("geo", {"domain": "nike.com"}),
          "yahoo_finance": ("search", {"query": "nike"}),
          "sec_edgar": ("cik", {"ticker": "NKE"}),
          "websearch": ("web", {"query": "nike.com"})}


def adapters(*names, **probes):
    """ADAPTERS for a ModuleTest: the named adapters, each with its PROBES
    call unless probes gives another ({name: (op, args)})."""
    return {name: probes.get(name, PROBES[name]) for name in names}
RESULT_KEYS = ["data", "missing", "provenance", "sources", "synthetic"]
PROVIDER_SOURCE_KEYS = ("provider", "op", "endpoint", "origin", "fetched_at", "request")


class ModuleTest(unittest.TestCase):
    MODULE = None
    ADAPTERS = {}
    ADAPTER_ARGS = {}
    FAKE_ARGS = []
    UPSTREAM = []
    SIMULATED = []

    @classmethod
    def setUpClass(cls):
        cls.c = h.Constellation(modules=[])
        try:
            cls.c.start(warm=False)
            cls.fake = ph.FakeApi(cls.c, cls.FAKE_ARGS)
            for name in cls.ADAPTERS:
                ph.start_adapter(cls.c, name, cls.fake, cls.ADAPTER_ARGS.get(name, []))
            caller = ph.Caller(cls.c.ctx, cls.c.actor_ep)
            try:
                for name, (op, args) in cls.ADAPTERS.items():
                    reply = ph.wait_service(caller, name, op, args)
                    if not reply.ok:
                        raise RuntimeError("%s answered %r" % (name, reply))
            finally:
                caller.close()
            env = cls.c.env()
            env.pop("PF_SELLER_PROFILE", None)   # the shipped profile
            for module in cls.UPSTREAM + [cls.MODULE]:
                instance = module + "-real"
                argv = [h.PF_BIN, "module", module, "--actor", cls.c.actor_ep,
                        "--instance", instance]
                cls.c.actors.append(h.Proc(instance, argv, env,
                                           os.path.join(cls.c.tmp, instance + ".log")))
            for module in cls.SIMULATED:
                instance = module + "-sim"
                argv = [h.PF_BIN, "module", module, "--simulate", "0", "--actor",
                        cls.c.actor_ep, "--instance", instance]
                cls.c.actors.append(h.Proc(instance, argv, env,
                                           os.path.join(cls.c.tmp, instance + ".log")))
            cls.client = cls.c.client()
        except BaseException:
            cls.c.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.c.stop_checked()

    def tearDown(self):
        self.fake.clear_faults()

    def job(self, domain):
        """ENRICH of the module alone; the RESULT reply, whatever its status."""
        reply = self.client.request("ENRICH", timeout=JOB_TIMEOUT_S, domain=domain,
                                    modules=[self.MODULE], **{"async": False})
        self.assertEqual(reply.command, "RESULT", reply)
        return reply

    def enrich(self, domain):
        """The module's result for domain; the job must complete."""
        reply = self.job(domain)
        self.assertEqual(reply["status"], "completed", "%r\n%s" % (reply, self.c.logs()))
        result = reply["results"][self.MODULE]
        self.check_shape(result)
        return result

    def check_shape(self, result):
        """Every fact has a source; every source is a provider, module or derivation."""
        self.assertEqual(sorted(result), RESULT_KEYS)
        sources = result["sources"]
        for field in result["data"]:
            self.assertIn(field, result["provenance"], field)
            self.assertLess(result["provenance"][field], len(sources))
        for s in sources:
            self.assertIn(s["kind"], ("provider", "module", "derived"))
            if s["kind"] == "provider":
                for key in PROVIDER_SOURCE_KEYS:
                    self.assertIn(key, s)
        missing = {m["field"] for m in result["missing"]}
        self.assertFalse(missing & set(result["data"]), "a field both set and missing")

    @staticmethod
    def source(result, field):
        return result["sources"][result["provenance"][field]]

    @staticmethod
    def reason(result, field):
        for m in result["missing"]:
            if m["field"] == field:
                return m["reason"]
        return None
