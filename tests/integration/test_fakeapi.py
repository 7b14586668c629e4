#!/usr/bin/python3
"""pf-fakeapi end to end: shapes of every path, auth, faults at run time,
rate limits, stats and a clean SIGTERM (urllib only)."""
import json, os, signal, subprocess, sys, threading, time, urllib.request, urllib.error
import http.client

def find_bin():
    b = os.environ.get("PF_FAKEAPI_BIN")
    if b and os.path.exists(b):
        return b
    pf = os.environ.get("PF_BIN")
    if pf:
        cand = os.path.join(os.path.dirname(pf), "pf-fakeapi")
        if os.path.exists(cand):
            return cand
    print("pf-fakeapi not found; skipping")
    sys.exit(77)

UA = {"User-Agent": "PartnerForge test ops@example.com"}

def start(*args):
    p = subprocess.Popen([find_bin(), "--listen", "127.0.0.1:0", "--quiet", *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # With --quiet the one "listening" line goes to stderr.
    line = p.stderr.readline()
    assert line.startswith("pf-fakeapi: listening on http://127.0.0.1:"), line
    port = int(line.split("127.0.0.1:")[1].split()[0])
    return p, "http://127.0.0.1:%d" % port

def req(base, path, headers=None, method="GET", body=None, timeout=5):
    r = urllib.request.Request(base + path, headers=headers or {}, method=method,
                               data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(r, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()

def j(base, path, **kw):
    st, h, b = req(base, path, **kw)
    return st, h, json.loads(b)

def main():
    p, base = start()
    try:
        # shapes
        st, h, b = j(base, "/builtwith/v22/api.json?KEY=k&LOOKUP=stripe.com,acme-widgets.io")
        assert st == 200 and h["X-PF-Source"] == "synthetic"
        tech = b["Results"][0]["Result"]["Paths"][0]["Technologies"][0]
        assert isinstance(tech["FirstDetected"], int) and tech["FirstDetected"] > 10**12
        st, h, b = j(base, "/builtwith/v22/api.json?KEY=k&LOOKUP=stripe.com")
        assert h["X-PF-Source"] == "fixture" and b["Results"][0]["Lookup"] == "stripe.com"
        for ep in ("rv4", "rec1", "kw2", "trustv1", "free1"):
            st, h, b = j(base, "/builtwith/%s/api.json?KEY=k&LOOKUP=nike.com" % ep)
            assert st == 200, ep
        assert b["first"] < 10**11  # free1: epoch seconds
        for what in ("total-traffic-and-engagement/visits", "total-traffic-and-engagement/bounce-rate",
                     "total-traffic-and-engagement/pages-per-visit",
                     "total-traffic-and-engagement/average-visit-duration",
                     "traffic-sources/overview-share", "geo/traffic-by-country",
                     "similar-sites/similarsites"):
            st, h, b = j(base, "/similarweb/v1/website/stripe.com/%s?api_key=k&start_date=2025-01&end_date=2025-12&granularity=monthly" % what)
            assert st == 200 and b["meta"]["status"] == "Success", what
        assert b["similar_sites"][0]["url"] == "adyen.com"
        st, h, b = j(base, "/similarweb/v1/website/stripe.com/total-traffic-and-engagement/visits?api_key=k")
        assert len(b["visits"]) == 12 and isinstance(b["visits"][0]["visits"], float)
        st, h, b = j(base, "/sec_edgar/files/company_tickers.json", headers=UA)
        assert any(v["ticker"] == "NKE" and v["cik_str"] == 320187 for v in b.values())
        st, h, b = j(base, "/sec_edgar/submissions/CIK0000320187.json", headers=UA)
        assert b["fiscalYearEnd"] == "0531" and b["filings"]["recent"]["form"][0] == "10-K"
        st, h, b = j(base, "/sec_edgar/api/xbrl/companyfacts/CIK0000027419.json", headers=UA)
        assert b["facts"]["us-gaap"]["Revenues"]["units"]["USD"][0]["val"] == 104780000000
        st, _, _ = req(base, "/sec_edgar/submissions/CIK0000000042.json", headers=UA)
        assert st == 404
        st, _, _ = req(base, "/sec_edgar/submissions/CIK0000320187.json")
        assert st == 403
        # yahoo session
        st, h, _ = req(base, "/yahoo_finance/")
        assert st == 404 and h["Set-Cookie"].startswith("A3=")
        cookie = h["Set-Cookie"].split(";")[0]
        st, _, crumb = req(base, "/yahoo_finance/v1/test/getcrumb", headers={"Cookie": cookie})
        crumb = crumb.decode()
        assert st == 200 and crumb
        st, _, b = j(base, "/yahoo_finance/v10/finance/quoteSummary/COST?modules=financialData,incomeStatementHistory&crumb=" + crumb,
                     headers={"Cookie": cookie})
        assert st == 200
        inc = b["quoteSummary"]["result"][0]["incomeStatementHistory"]["incomeStatementHistory"][0]
        assert inc["totalRevenue"]["raw"] == 275235000000
        st, _, b = j(base, "/yahoo_finance/v10/finance/quoteSummary/COST?modules=financialData&crumb=bad",
                     headers={"Cookie": cookie})
        assert st == 401 and b["finance"]["error"]["description"] == "Invalid Crumb"
        st, _, b = j(base, "/yahoo_finance/v1/finance/search?q=Shopify")
        assert b["quotes"][0]["symbol"] == "SHOP"
        st, _, b = j(base, "/yahoo_finance/v8/finance/chart/NKE?range=1mo&interval=1d")
        assert st == 200 and len(b["chart"]["result"][0]["timestamp"]) == 30
        # websearch
        tok = {"X-Subscription-Token": "t"}
        st, h, b = j(base, "/websearch/res/v1/web/search?q=Nike&count=2", headers=tok)
        assert st == 200 and h["X-PF-Source"] == "fixture" and len(b["web"]["results"]) == 2
        st, h, b = j(base, "/websearch/res/v1/news/search?q=quantum+widgets", headers=tok)
        assert st == 200 and h["X-PF-Source"] == "synthetic" and "results" in b
        st, _, _ = req(base, "/websearch/res/v1/web/search?q=x")
        assert st == 422
        st, _, _ = req(base, "/nothing/here")
        assert st == 404

        # faults at run time
        st, _, b = j(base, "/_control/faults", method="POST",
                     body={"provider": "similarweb", "error_rate": 0.5, "seed": 7})
        assert st == 200
        codes = [req(base, "/similarweb/v1/website/a%d.com/similar-sites/similarsites?api_key=k" % (i % 3))[0]
                 for i in range(200)]
        # similarweb limit 10/s would refuse most of these: lift it first
        st, _, _ = j(base, "/_control/limits", method="POST",
                     body={"provider": "similarweb", "limit": 0})
        assert st == 200
        codes = [req(base, "/similarweb/v1/website/a.com/similar-sites/similarsites?api_key=k")[0]
                 for i in range(200)]
        n500 = codes.count(500)
        assert 70 < n500 < 130 and codes.count(200) == 200 - n500, (n500, set(codes))
        st, _, _ = j(base, "/_control/faults", method="DELETE")
        assert st == 200
        assert req(base, "/similarweb/v1/website/a.com/similar-sites/similarsites?api_key=k")[0] == 200
        st, _, b = j(base, "/_control/faults", method="POST", body={"provider": "nope"})
        assert st == 400 and "error" in b

        # hang does not block a parallel request
        j(base, "/_control/faults", method="POST", body={"provider": "builtwith", "hang_rate": 1})
        out = {}
        def hang():
            try:
                req(base, "/builtwith/kw2/api.json?KEY=k&LOOKUP=a.com", timeout=1.5)
                out["r"] = "answered"
            except Exception as e:
                out["r"] = type(e).__name__
        t = threading.Thread(target=hang); t.start()
        t0 = time.time()
        assert req(base, "/_control/health")[0] == 200
        assert time.time() - t0 < 1.0
        t.join()
        assert out["r"] != "answered", out
        # reset, truncate, malformed
        for kind in ("reset_rate", "truncate_rate", "malformed_rate"):
            j(base, "/_control/faults", method="POST", body={"provider": "builtwith", "hang_rate": 0, kind: 1})
            try:
                st, _, body = req(base, "/builtwith/kw2/api.json?KEY=k&LOOKUP=a.com")
                if kind == "malformed_rate":
                    assert st == 200
                    try:
                        json.loads(body); assert False, "malformed body parsed"
                    except ValueError:
                        pass
                else:
                    assert False, "%s answered %r" % (kind, st)
            except (ConnectionError, http.client.IncompleteRead, urllib.error.URLError,
                    http.client.RemoteDisconnected) as e:
                assert kind != "malformed_rate", e
        j(base, "/_control/faults", method="DELETE", )
        # 429 with Retry-After variants
        j(base, "/_control/faults", method="POST", body={"provider": "websearch", "rate_429": 1, "retry_after": "99999"})
        st, h, _ = req(base, "/websearch/res/v1/web/search?q=x", headers=tok)
        assert st == 429 and h.get("Retry-After") == "99999"
        j(base, "/_control/faults", method="POST", body={"provider": "websearch", "rate_429": 1, "retry_after": None})
        st, h, _ = req(base, "/websearch/res/v1/web/search?q=x", headers=tok)
        assert st == 429 and "Retry-After" not in h
        j(base, "/_control/faults", method="DELETE")

        # rate limit: 11 requests to sec_edgar at once -> 429s counted
        j(base, "/_control/stats/reset", method="POST")
        t0 = time.time()
        codes = [req(base, "/sec_edgar/files/company_tickers.json", headers=UA)[0] for _ in range(11)]
        st, _, stats = j(base, "/_control/stats")
        sec = stats["providers"]["sec_edgar"]
        if time.time() - t0 < 0.9:  # all 11 inside one second: the 11th is refused
            assert codes.count(429) == 1 and codes[-1] == 429, codes
        assert sec["rate_limited"] == codes.count(429)
        assert sec["by_status"].get("429", 0) == codes.count(429)
        assert sec["requests"] == 11 and sec["max_in_window"] >= 10
        assert "uptime_ms" in stats
        st, _, b = j(base, "/_control/limits")
        assert b["limits"]["sec_edgar"]["limit"] == 10
        # bad control input keeps the server serving
        st, _, _ = req(base, "/_control/limits", method="POST", body={"provider": "sec_edgar", "window_ms": 0})
        assert st == 400
        assert req(base, "/_control/health")[0] == 200
    finally:
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=10)
        err = p.stderr.read()
        assert rc == 0, (rc, err)
    # non-loopback refused
    r = subprocess.run([find_bin(), "--listen", "0.0.0.0:0"], capture_output=True, text=True, timeout=10)
    assert r.returncode != 0 and "loopback" in r.stderr
    print("ok")

main()
