function failures = test_hdnet()
% Tests of the MEX gateway (make check-octave; also runs in MATLAB): trains a small
% network, checks what it learned against its untrained checkpoint, runs it on the
% task and recomputes the normalized error, analyses it, and checks the errors.
% Returns the number of failed checks.
  failures = 0;
  dir = tempname();
  mkdir(dir);
  cleanup = onCleanup(@() rmdir_all(dir));

  % ---- train: a small, short run (about 10 s on 2 cores)
  settings = struct('units', 40, 'steps', 100, 'trials', 32, 'updates', 300, 'lr', 0.01, ...
                    'selection_trials', 100, 'threads', 2, 'seed', 3);
  res = hdnet_mex('train', dir, settings);
  failures = failures + check(exist(res.model, 'file') == 2, 'train writes DIR/model.npz');
  failures = failures + check(res.best_update >= 1 && res.best_update <= 300, 'best update within the run');
  untrained = fullfile(dir, 'ckpt_0.npz');
  % on trials as long as the training trials (100 steps), with the test stream of seed 3
  ne0 = hdnet_mex('evaluate', untrained, 500, 100, 3);
  ne = hdnet_mex('evaluate', res.model, 500, 100, 3);
  fprintf('test_hdnet: NE on 100-step trials %.4f (untrained %.4f; selection %.4f at update %d)\n', ...
         ne, ne0, res.selection_ne, res.best_update);
  % the null: an untrained network has NE near 1; 300 updates bring it below a quarter
  failures = failures + check(ne0 > 0.8, 'the untrained network does not do the task');
  failures = failures + check(ne < 0.25 * ne0, 'training divides the normalized error by 4 at least');
  failures = failures + check(abs(hdnet_mex('evaluate', res.model, 1000, 500, 3) - res.ne) < 1e-12, ...
                    'train reports the test NE of evaluate (1000 trials x 500 steps)');

  % ---- load
  net = hdnet_mex('load', res.model);
  failures = failures + check(net.units == 40 && isequal(size(net.W_rec), [40 40]) && ...
                    isequal(size(net.W_in), [40 3]) && isequal(size(net.W_out), [2 40]), 'load: shapes');
  failures = failures + check(~isempty(strfind(net.config, 'units=40')), 'load: config text');
  failures = failures + check(all(diag(net.W_rec) == 0), 'load: no self-connections (paper recipe)');

  % ---- task and run: NE recomputed here equals the library's
  t = hdnet_mex('task', res.model, 20, 11);
  failures = failures + check(isequal(size(t.inputs), [3 100 20]) && isequal(size(t.heading), [100 20]), 'task: shapes');
  [y, r] = hdnet_mex('run', res.model, t.inputs);
  failures = failures + check(isequal(size(y), [2 100 20]) && isequal(size(r), [40 100 20]), 'run: shapes');
  ne_here = 0;
  for o = 1:2
    m = t.mask(o, :) == 1;
    yo = y(o, m); tg = t.targets(o, :); to = tg(m);
    ne_here = ne_here + sum((yo - to) .^ 2) / sum((to - mean(to)) .^ 2) / 2;
  end
  % evaluate() generates the same 20 trials from the test stream of seed 11 and sums
  % over the same float32 outputs: only the summation order differs (relative 1e-9)
  ne_lib = hdnet_mex('evaluate', res.model, 20, 100, 11);
  failures = failures + check(abs(ne_here - ne_lib) <= 1e-9 * ne_lib, ...
                    sprintf('NE recomputed from run (%.12g) equals evaluate (%.12g)', ne_here, ne_lib));
  % rates are bounded by the activation: retanh is in [0, 1)
  failures = failures + check(all(r(:) >= 0 & r(:) < 1), 'run: rates in [0, 1)');

  % ---- analyse
  a = hdnet_mex('analyse', res.model, 200, 500, 5);
  c = a.counts;
  total = c.compass + c.shifter_ccw + c.shifter_cw + c.weak + c.inactive;
  fprintf('test_hdnet: compass %d, shifter_ccw %d, shifter_cw %d, weak %d, inactive %d\n', ...
         c.compass, c.shifter_ccw, c.shifter_cw, c.weak, c.inactive);
  failures = failures + check(total == 40 && numel(a.class) == 40, 'analyse: every unit classified once');
  failures = failures + check(sum(strcmp(a.class, 'compass')) == c.compass, 'analyse: class list matches counts');
  active = ~strcmp(a.class, 'inactive');
  failures = failures + check(all(a.phi(active) >= -180 & a.phi(active) <= 360), 'analyse: preferred headings in degrees');
  b = hdnet_mex('analyse', untrained, 200, 500, 5);
  failures = failures + check(b.counts.compass + b.counts.shifter_ccw + b.counts.shifter_cw + b.counts.weak + ...
                    b.counts.inactive == 40, 'analyse: untrained network classified too');

  % ---- errors: an identifier and the library's message
  failures = failures + expect_error(@() hdnet_mex('load', fullfile(dir, 'missing.npz')), 'hdnet:EIO');
  failures = failures + expect_error(@() hdnet_mex('train', fullfile(dir, 'x'), struct('tau', -1)), 'hdnet:ERANGE');
  failures = failures + expect_error(@() hdnet_mex('train', dir, struct()), 'hdnet:usage');   % holds a run
  failures = failures + expect_error(@() hdnet_mex('run', res.model, zeros(4, 10)), 'hdnet:usage');
  failures = failures + expect_error(@() hdnet_mex('evaluate', res.model, -1), 'hdnet:usage');
  failures = failures + expect_error(@() hdnet_mex('no-such-command'), 'hdnet:usage');
  failures = failures + expect_error(@() hdnet_mex('train', fullfile(dir, 'y'), {'units'}), 'hdnet:usage');
  failures = failures + expect_error(@() hdnet_mex('train', fullfile(dir, 'y'), struct('units', [1 2])), 'hdnet:usage');
  failures = failures + check(ischar(hdnet_mex('version')), 'version');

  % ---- settings as 'name=value' strings, as hdnet-train --set
  small = hdnet_mex('train', fullfile(dir, 'cell'), {'units=12', 'steps=20', 'trials=4', 'updates=2', ...
                                                     'selection_trials=4', 'seed=9'});
  failures = failures + check(hdnet_mex('load', small.model).units == 12, 'train: cell-array settings applied');

  if failures == 0
    fprintf('test_hdnet: all checks passed\n');
  else
    fprintf('test_hdnet: %d check(s) FAILED\n', failures);
  end
end

function n = check(ok, what)
  n = ~ok;
  if ~ok
    fprintf('test_hdnet: FAIL: %s\n', what);
  end
end

function n = expect_error(fn, id)
  try
    fn();
    n = check(false, ['no error, expected ' id]);
  catch err
    n = check(strcmp(err.identifier, id), sprintf('error %s (%s), expected %s', err.identifier, err.message, id));
  end
end

function rmdir_all(d)
  if exist('OCTAVE_VERSION', 'builtin')
    confirm_recursive_rmdir(false, 'local');
  end
  rmdir(d, 's');
end
