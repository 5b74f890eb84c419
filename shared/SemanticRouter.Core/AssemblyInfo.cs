// Core routing library.
