# llm-gauntlet: every target installs what is missing first.
.PHONY: install build run test test-unit test-integration typecheck check bench clean

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
	node dist/bin/gauntlet.js run --preset peak-hour --employees 1200 --time-scale 60 \
		--mock typical-cloud --seed 7

test: build typecheck
	npx vitest run

test-unit: install
	npx vitest run --project unit

test-integration: build
	npx vitest run --project integration

check: typecheck test

bench: build
	node dist/bench/run.js

clean:
	rm -rf dist
