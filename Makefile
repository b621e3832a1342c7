# The two commands a newcomer needs (see README.md): `make run` and `make test`.
# Everything else (meson, ninja, the packages) is set up by these targets.
BUILD      ?= build
TESTBUILD  ?= build-test
FUZZBUILD  ?= build-fuzz
DB         ?= var/shisa.db
LISTEN     ?= 127.0.0.1:8080
DEMO_TEAMS ?= 40

.PHONY: all build run test fuzz bench clean deps

all: build

deps:
	@scripts/deps

build: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) --buildtype=release -Db_ndebug=if-release >/dev/null
	@ninja -C $(BUILD) shisa

run: build
	@mkdir -p $(dir $(DB))
	@$(BUILD)/shisa migrate --db $(DB)
	@if [ -n "$(DEMO)" ]; then $(BUILD)/shisa dev seed --teams $(DEMO_TEAMS) --if-empty --db $(DB); fi
	@$(BUILD)/shisa setup-link --db $(DB) --base-url http://$(LISTEN)
	@exec $(BUILD)/shisa serve --db $(DB) --listen $(LISTEN)

test:
	@scripts/deps test
	@scripts/test $(TESTBUILD)

fuzz:
	@scripts/deps test
	@test -f $(FUZZBUILD)/build.ninja || CC=clang meson setup $(FUZZBUILD) -Dfuzz=true -Db_lundef=false --buildtype=debug >/dev/null
	@ninja -C $(FUZZBUILD)
	@echo "fuzz targets in $(FUZZBUILD)/fuzz/: run e.g. mkdir -p /tmp/corpus && $(FUZZBUILD)/fuzz/fuzz_template -runs=1000000 /tmp/corpus fuzz/corpus/template"

bench: build
	@scripts/deps test
	@bench/http.sh
	@bench/directory.sh
	@ninja -C $(BUILD) bench/bench_lookup
	@$(BUILD)/bench/bench_lookup
	@ninja -C $(BUILD) shisa bench/bench_lookup_batch
	@$(BUILD)/bench/bench_lookup_batch $(BUILD)/shisa

clean:
	rm -rf $(BUILD) $(TESTBUILD) $(FUZZBUILD)
