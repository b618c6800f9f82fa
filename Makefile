# llm-gauntlet: every target installs what is missing first.
.PHONY: install build run test test-unit test-integration typecheck check bench docs clean browser

NODE_MODULES_STAMP := node_modules/.package-lock.json

install: $(NODE_MODULES_STAMP)

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_MODULES_STAMP)

build: install
	npx tsc -p tsconfig.build.json

typecheck: install
	npx tsc -p tsconfig.json --noEmit

# The main job: the busiest hour of one department against the embedded mock, no keys needed.
run: build
	node dist/bin/gauntlet.js run --preset peak-hour --employees 250 --time-scale 60 \
		--mock typical-cloud --seed 7

test: build typecheck browser
	npx vitest run

# The HTML report is checked in a real headless Chromium (Debian's package). Installed when
# missing and possible (root with apt-get); otherwise the browser test says so and skips.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
		echo "chromium not installed: the browser report test will be skipped"; }

test-unit: install
	npx vitest run --project unit

test-integration: build
	npx vitest run --project integration

check: typecheck test

# Benchmarks (bench/README.md): one section with BENCH=raw-rate|streams|pacing|memory|proxy|mock|generation,
# rounds with ROUNDS=N. Writes bench/results/latest.md and latest.json.
bench: build
	npx esbuild bench/run.ts --bundle --platform=node --format=esm --packages=external \
		--outfile=node_modules/.cache/gauntlet-bench/run.mjs --log-level=warning
	node node_modules/.cache/gauntlet-bench/run.mjs $(if $(BENCH),--only $(BENCH)) $(if $(ROUNDS),--rounds $(ROUNDS))

# Regenerates the examples in docs/ from real runs of the documented commands against the embedded
# mock (test/docs/regenerate.ts, about 5 min): drill.md + img/drill.png, sweep.md + img/sweep.png,
# forecast.md. DOCS=drill,sweep,forecast picks some; DOCS_DIR=DIR writes into a copy of docs/.
docs: build browser
	npx esbuild test/docs/regenerate.ts --bundle --platform=node --format=esm --packages=external \
		--outfile=node_modules/.cache/gauntlet-docs/regenerate.mjs --log-level=warning
	node node_modules/.cache/gauntlet-docs/regenerate.mjs $(if $(DOCS),--only $(DOCS)) $(if $(DOCS_DIR),--docs-dir $(DOCS_DIR))

clean:
	rm -rf dist
