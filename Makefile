# One screen of tasks. `make check` is what a pull request must pass.
.PHONY: install test fast lint types schema check

install:
	CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install -e '.[local,test,dev]'

test:            ## everything, integration tests included
	python -m pytest

fast:            ## the offline unit tests only
	python -m pytest -m "not integration"

lint:           ## ruff's checks and format, and the layering contract
	ruff check src tests benchmarks examples
	ruff format --check src tests benchmarks examples
	lint-imports

types:
	mypy

schema:          ## regenerate schemas/ from the models
	python -m pactlens schema --write schemas

check: lint types test
