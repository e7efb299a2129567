console.log('Local mode is not built yet: see the local-mode issue. Run `npm test` for the suite.');
